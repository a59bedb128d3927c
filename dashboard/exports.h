// The consolidated report (report/) over the web: the HTML page at /plans/CODE/report and the
// CSV and JSON downloads. Only for a caller who sees every visit of the plan (the report shows
// them all). The report is written to a temporary file that the HTTP adapter streams and deletes
// (RouterResponse::body_file), from a connection of its own, so a plan with 100,000 answers never
// sits in memory and the dashboard's other pages are not held up meanwhile. At most
// Context::exports of them at once, counted until the download ends; one more gets 503.
#pragma once

#include <string>

#include "dashboard_context.h"
#include "web_http.h"

namespace fieldsync::dashboard {

// `format`: "html" (shown in the browser, print-friendly), "csv" or "json" (downloads); `lang`:
// "vi" (default) or "en".
Result<RouterResponse> ReportResponse(Context& ctx, const Caller& caller, const std::string& plan_code,
                                      const std::string& format, const std::string& lang);

}  // namespace fieldsync::dashboard
