// `fieldsync-server user passwd`: sets a user's dashboard password, read from standard input (one
// line; never from the command line, where other users of the machine could read it in the
// process list, and the shell's history would keep it).
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "commands.h"
#include "fieldsync/dashboard/dashboard.h"

namespace fieldsync::server::cli {
namespace {

// One line of standard input without its line ending; on a terminal, asks without echoing it.
bool ReadPassword(std::string& password) {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal) {
    std::cerr << "new dashboard password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  const bool got = static_cast<bool>(std::getline(std::cin, password));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return got;
}

}  // namespace

int RunUserPasswd(const Common& common, const std::string& name) {
  std::string password;
  if (!ReadPassword(password)) {
    std::cerr << "fieldsync-server: no password on standard input; e.g. printf '%s\\n' \"$PASSWORD\" | "
                 "fieldsync-server user passwd --db FILE --name NAME\n";
    return 2;
  }
  if (Status s = dashboard::SetPassword(common.db, name, password); !s.ok()) return Fail(s);
  std::cout << "dashboard password set for " << name << "; their open dashboard sessions were ended\n";
  return 0;
}

}  // namespace fieldsync::server::cli
