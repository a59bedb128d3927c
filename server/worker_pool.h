// WorkerPool: a fixed set of threads running posted tasks in order of arrival.
//
// Why the HTTP server needs it: cpprest runs request handlers on the same thread pool (40 threads)
// that moves request bodies off the sockets. A handler that waits for its body there blocks one of
// those threads, so 40 uploads arriving together, each waiting for the rest of its body, left no
// thread to read any body: the server hung for good (seen with 100 tablets pushing at once). The
// server now hands each request to this pool at once, and its threads may wait for bodies and for
// the store freely while cpprest's threads keep the sockets moving.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fieldsync::server {

class WorkerPool {
 public:
  // `threads` workers; at most `max_queued` tasks wait for one (Post refuses beyond that).
  WorkerPool(size_t threads, size_t max_queued);
  // Runs what was posted already, then stops the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False, and `task` dropped, when `max_queued` tasks are waiting already or the pool is stopping:
  // the caller answers "busy" itself instead of queueing without bound.
  bool Post(std::function<void()> task);

 private:
  void Run();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest is set
};

}  // namespace fieldsync::server
