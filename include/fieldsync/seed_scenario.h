// The built-in seed scenario: plan 31-KH/BCĐTP of the Ho Chi Minh City steering committee for
// grassroots democracy (supervision visits, 6–11 July 2023), with its team, six units in three
// working sessions and the two checklist templates, in the source's Vietnamese wording. It is the
// demo and the test data. Record ids are fixed so every device and the server agree on them.
#pragma once

#include "fieldsync/domain.h"

namespace fieldsync::seed {

const domain::PlanData& Plan31();

}  // namespace fieldsync::seed
