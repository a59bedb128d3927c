// FaultInjectingTransport: wraps a transport and cuts chosen requests after the server has
// received them (the answer is lost), as a dropped link does mid-request. Used by tests and by
// `fieldsync sync --simulate-cut` in the demo to show that a resent batch changes nothing (S2).
#pragma once

#include <set>

#include "fieldsync/http_transport.h"

namespace fieldsync {

class FaultInjectingTransport final : public HttpTransport {
 public:
  // `cut_requests`: 1-based numbers of the requests whose answers are lost.
  FaultInjectingTransport(HttpTransport& inner, std::set<int> cut_requests)
      : inner_(inner), cut_(std::move(cut_requests)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    int number = ++sent_;
    auto answer = inner_.Send(request);
    if (cut_.count(number)) {
      ++cuts_;
      return Status::Unavailable("connection cut after the request reached the server (simulated fault #" +
                                 std::to_string(number) + ")");
    }
    return answer;
  }
  int sent() const { return sent_; }
  int cuts() const { return cuts_; }

 private:
  HttpTransport& inner_;
  std::set<int> cut_;
  int sent_ = 0;
  int cuts_ = 0;
};

}  // namespace fieldsync
