#include "fault_proxy/relay.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>

namespace fieldsync::fault_proxy {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
constexpr size_t kMaxQueued = 256 * 1024;  // stop reading a side while this much waits to be sent
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kTruncateDrain = std::chrono::seconds(2);
constexpr auto kStopCheck = std::chrono::milliseconds(100);
constexpr auto kNever = SteadyClock::time_point::max();

struct Chunk {
  SteadyClock::time_point due;  // not sent before (the link's latency)
  std::string bytes;
  size_t sent = 0;
};

// One direction of the connection.
struct Pipe {
  Pipe(Direction d, int from_fd, int to_fd, uint64_t rate) : direction(d), from(from_fd), to(to_fd), bucket(rate) {}
  const Direction direction;
  const int from, to;
  std::deque<Chunk> queue;
  size_t queued = 0;
  uint64_t forwarded = 0;
  bool eof = false;   // `from` will send no more
  bool shut = false;  // that end of stream was passed on to `to`
  bool hangup = false;  // `from` hung up: read what is left even when the queue is full
  TokenBucket bucket;
};

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// SO_LINGER with a zero timeout: close() sends RST instead of FIN.
void CloseWithReset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

void DrainUntilEof(int fd, std::chrono::milliseconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  char buf[4096];
  while (SteadyClock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) < 0 && errno != EINTR) return;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return;
  }
}

bool WouldBlock() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

class Connection {
 public:
  Connection(int client, int target, const ConnectionFault& fault, const RelayContext& ctx)
      : client_(client),
        target_(target),
        fault_(fault),
        ctx_(ctx),
        up_(Direction::kUpstream, client, target, ctx.shape.rate_bytes_per_second),
        down_(Direction::kDownstream, target, client, ctx.shape.rate_bytes_per_second) {
    if (fault_.kind == FaultKind::kLatency) extra_latency_ = fault_.duration;
  }

  void Run() {
    SetNonBlocking(client_);
    SetNonBlocking(target_);
    last_activity_ = SteadyClock::now();
    End end = End::kGoOn;
    while (end == End::kGoOn) end = Step();
    Finish(end);
  }

 private:
  enum class End { kGoOn, kClose, kReset, kTruncated };

  End Step() {
    auto now = SteadyClock::now();
    if (ctx_.stopping->load() || now - last_activity_ > kIdleTimeout) return End::kClose;
    if (End end = Strike(now); end != End::kGoOn) return end;
    for (Pipe* p : {&up_, &down_}) {
      if (p->eof && p->queue.empty() && !p->shut) {
        shutdown(p->to, SHUT_WR);  // pass on the end of stream
        p->shut = true;
      }
    }
    if (up_.shut && down_.shut) return End::kClose;

    pollfd fds[2] = {{client_, 0, 0}, {target_, 0, 0}};
    auto wake = now + kStopCheck;
    for (Pipe* p : {&up_, &down_}) {
      if (!p->eof && (p->queued < kMaxQueued || p->hangup)) Poll(fds, p->from).events |= POLLIN;
      auto ready = ReadyAt(*p, now);
      if (ready <= now) Poll(fds, p->to).events |= POLLOUT;
      else wake = std::min(wake, ready);
    }
    if (stalling_) wake = std::min(wake, stall_end_);
    auto timeout = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
    if (poll(fds, 2, static_cast<int>(std::max<int64_t>(0, timeout))) < 0 && errno != EINTR) return End::kClose;

    now = SteadyClock::now();
    for (const pollfd& f : fds) {
      if (f.revents & (POLLERR | POLLNVAL)) return End::kClose;  // reset by a peer
    }
    for (Pipe* p : {&up_, &down_}) {
      const pollfd& in = Poll(fds, p->from);
      if (in.revents & POLLHUP) p->hangup = true;
      if ((in.events & POLLIN) && (in.revents & (POLLIN | POLLHUP)) && !Read(*p, now)) return End::kClose;
      const pollfd& out = Poll(fds, p->to);
      if ((out.events & POLLOUT) && (out.revents & POLLOUT) && !Write(*p, now)) return End::kClose;
    }
    return End::kGoOn;
  }

  pollfd& Poll(pollfd (&fds)[2], int fd) { return fds[fd == client_ ? 0 : 1]; }

  // The planned fault waits at its byte offset of its direction.
  bool Armed(const Pipe& p) const {
    return !struck_ && fault_.kind != FaultKind::kNone && fault_.kind != FaultKind::kLatency &&
           fault_.direction == p.direction;
  }

  // Strikes the planned fault when its direction reached the offset and has a next byte to send.
  End Strike(SteadyClock::time_point now) {
    if (stalling_) {
      if (now < stall_end_) return End::kGoOn;
      stalling_ = false;
      return fault_.close_after_stall ? End::kClose : End::kGoOn;
    }
    Pipe& p = fault_.direction == Direction::kUpstream ? up_ : down_;
    if (!Armed(p) || p.forwarded != fault_.offset || p.queue.empty() || p.queue.front().due > now) {
      return End::kGoOn;
    }
    struck_ = true;
    ctx_.stats->CountFault(fault_.kind);
    switch (fault_.kind) {
      case FaultKind::kCutRequest:
      case FaultKind::kCutResponse: return End::kClose;
      case FaultKind::kReset: return End::kReset;
      case FaultKind::kTruncate: return End::kTruncated;
      case FaultKind::kStall:
        stalling_ = true;
        stall_end_ = now + fault_.duration;
        return End::kGoOn;
      default: return End::kGoOn;
    }
  }

  // When the head of the pipe's queue may be sent (kNever when there is nothing to send).
  SteadyClock::time_point ReadyAt(Pipe& p, SteadyClock::time_point now) const {
    if (p.queue.empty()) return kNever;
    if (stalling_ && fault_.direction == p.direction) return stall_end_;
    return std::max(p.queue.front().due, p.bucket.ReadyAt(now));
  }

  // False when the peer reset the connection.
  bool Read(Pipe& p, SteadyClock::time_point now) {
    char buf[kReadChunk];
    ssize_t n = recv(p.from, buf, sizeof buf, 0);
    if (n < 0) return WouldBlock();
    if (n == 0) {
      p.eof = true;
      return true;
    }
    if (p.direction == Direction::kUpstream) NoteRequestLine(buf, static_cast<size_t>(n));
    p.queue.push_back({now + ctx_.shape.latency + extra_latency_, std::string(buf, static_cast<size_t>(n))});
    p.queued += static_cast<size_t>(n);
    last_activity_ = now;
    return true;
  }

  // False when the peer is gone.
  bool Write(Pipe& p, SteadyClock::time_point now) {
    Chunk& c = p.queue.front();
    size_t n = std::min(c.bytes.size() - c.sent, p.bucket.Available(now));
    if (Armed(p)) n = std::min<uint64_t>(n, fault_.offset - p.forwarded);  // stop at the fault's byte
    if (n == 0) return true;
    ssize_t sent = send(p.to, c.bytes.data() + c.sent, n, MSG_NOSIGNAL);
    if (sent < 0) return WouldBlock();
    const auto w = static_cast<size_t>(sent);
    c.sent += w;
    p.forwarded += w;
    p.queued -= w;
    p.bucket.Spend(w);
    if (c.sent == c.bytes.size()) p.queue.pop_front();
    ctx_.stats->AddBytes(p.direction, w);
    last_activity_ = now;
    if (fault_.kind == FaultKind::kLatency && !struck_) {
      struck_ = true;  // a slow connection counts once, when it first carries data
      ctx_.stats->CountFault(FaultKind::kLatency);
    }
    if (ctx_.tap && *ctx_.tap) (*ctx_.tap)(LinkEvent{ctx_.connection, path_, p.direction, p.forwarded});
    return true;
  }

  // Keeps the path of the first request line ("POST /v1/push HTTP/1.1") for the tap.
  void NoteRequestLine(const char* data, size_t n) {
    if (request_line_done_) return;
    head_.append(data, std::min(n, size_t{512}));
    auto eol = head_.find("\r\n");
    if (eol == std::string::npos && head_.size() < 512) return;
    request_line_done_ = true;
    const std::string line = head_.substr(0, eol);
    auto first = line.find(' ');
    auto second = first == std::string::npos ? std::string::npos : line.find(' ', first + 1);
    if (second != std::string::npos) path_ = line.substr(first + 1, second - first - 1);
    head_.clear();
  }

  void Finish(End end) {
    switch (end) {
      case End::kReset:
        CloseWithReset(client_);
        CloseWithReset(target_);
        return;
      case End::kTruncated:  // the client sees a short response and a clean end of stream
        close(target_);
        shutdown(client_, SHUT_WR);
        DrainUntilEof(client_, kTruncateDrain);
        close(client_);
        return;
      default:
        close(client_);
        close(target_);
    }
  }

  const int client_, target_;
  const ConnectionFault fault_;
  const RelayContext& ctx_;
  Pipe up_, down_;
  std::chrono::milliseconds extra_latency_{0};
  bool struck_ = false;
  bool stalling_ = false;
  SteadyClock::time_point stall_end_;
  SteadyClock::time_point last_activity_;
  std::string head_, path_;
  bool request_line_done_ = false;
};

}  // namespace

void RunRelay(int client_fd, int target_fd, const ConnectionFault& fault, const RelayContext& context) {
  Connection(client_fd, target_fd, fault, context).Run();
}

}  // namespace fieldsync::fault_proxy
