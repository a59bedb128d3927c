#include "access_policy.h"

#include "fieldsync/domain.h"
#include "fieldsync/review.h"
#include "fieldsync/server/conflict.h"
#include "fieldsync/server/scope.h"

namespace fieldsync::server {
namespace {

// Records only the secretariat edits: the plan and its structure, templates and items.
bool IsPlanStructure(const std::string& type) {
  namespace d = domain;
  return type == d::kPlan || type == d::kMember || type == d::kUnit || type == d::kVisit || type == d::kAssignment ||
         type == d::kTemplate || type == d::kItem;
}

}  // namespace

std::string ChangeLabel(const Change& c, size_t index) {
  return "change " + std::to_string(index + 1) + " (" + c.record_type + " " + c.record_id + "." + c.field + ")";
}

Status CheckWrite(const Session& session, const UserAccess& access, const Change& change, const std::string& scope,
                  size_t index) {
  using domain::Role;
  // Inside a visit the user acts in their role in its plan (a conclusion, a conflict); elsewhere
  // RoleFor gives the account role.
  const Role role = access.RoleFor(scope);
  const std::string who = std::string("user '") + session.user_name + "' (" + domain::RoleLabel(role) + ")";
  if (change.record_type == conflict::kType) {
    // S7/S12: conflicts are made by the server; people only resolve them.
    if (!LeadsVisit(role)) {
      return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who +
                                      " may not resolve conflicts; the team leader, the deputy or the secretariat "
                                      "resolves them");
    }
    if (!conflict::IsResolutionField(change.field)) {
      return Status::PermissionDenied(ChangeLabel(change, index) + ": only the resolution fields of a conflict (" +
                                      "status, resolved_by, resolution, resolved_value, resolved_hlc) may be written; "
                                      "the rest is kept as the server recorded it");
    }
    if (session.role != Role::kSecretariat && !access.visible.Allows(scope)) {
      return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who +
                                      " is not a leader or deputy assigned to the visit of this conflict (" + scope +
                                      ")");
    }
    return Status::Ok();
  }
  if (session.role == Role::kSecretariat) return Status::Ok();
  if (IsPlanStructure(change.record_type)) {
    return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who + " may not edit " + change.record_type +
                                    " records; only the secretariat changes plans, teams, units, visits, "
                                    "assignments, templates and items");
  }
  if (!IsVisitScope(scope) || !access.visible.Allows(scope)) {
    return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who + " is not assigned to " + scope +
                                    "; ask the secretariat to assign you to that visit "
                                    "(fieldsync-server assign --user NAME --visit CODE)");
  }
  if (change.record_type == domain::kConclusion && !LeadsVisit(role)) {
    return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who +
                                    " may not write this visit's conclusion; the team leader or deputy writes it");
  }
  if (change.record_type == domain::kReview && !LeadsVisit(role)) {
    return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who +
                                    " may not review answers or conclusions; the team leader, the deputy or the "
                                    "secretariat reviews them");
  }
  // A review names its reviewer: only oneself (the report and the tablets show the name).
  if (change.record_type == domain::kReview && change.field == "reviewer" && !change.tombstone &&
      TextOf(change.value) != session.user_name) {
    return Status::PermissionDenied(ChangeLabel(change, index) + ": " + who + " may not sign a review as '" +
                                    TextOf(change.value) + "'");
  }
  return Status::Ok();
}

}  // namespace fieldsync::server
