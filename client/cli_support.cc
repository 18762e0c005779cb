#include "client/cli_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "graph/edit_distance.h"

namespace citymatch {

ExitCode ExitCodeForServerStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnreachable;
    default:
      return kExitServerError;
  }
}

std::string ToResourceName(absl::string_view collection,
                           absl::string_view id_or_name) {
  if (absl::StrContains(id_or_name, '/')) return std::string(id_or_name);
  return absl::StrCat(collection, "/", id_or_name);
}

std::string CountryFilter(absl::string_view text) {
  if (text.size() == 2) return absl::AsciiStrToUpper(text);
  return std::string(text);
}

std::vector<std::string> ListItems(const std::vector<std::string>& typed) {
  std::vector<std::string> items;
  for (const std::string& value : typed) {
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) items.emplace_back(item);
    }
  }
  return items;
}

std::string Nearest(absl::string_view typed,
                    const std::vector<std::string>& candidates, int limit) {
  std::string best;
  int best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const int d = EditDistance(typed, candidate, best_distance - 1);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

absl::StatusOr<v1::Membership> ParseMember(absl::string_view spec) {
  v1::Membership member;
  absl::string_view city = spec;
  // No role given: the server takes a new member as a partner, and an
  // update leaves an existing member's role as it is.
  v1::Role role = v1::ROLE_UNSPECIFIED;
  const size_t colon = spec.rfind(':');
  if (colon != absl::string_view::npos) {
    city = spec.substr(0, colon);
    const std::string role_text = absl::AsciiStrToLower(spec.substr(colon + 1));
    if (role_text == "lead") {
      role = v1::LEAD;
    } else if (role_text == "partner") {
      role = v1::PARTNER;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "member \"", spec, "\": the role after ':' must be lead or partner"));
    }
  }
  if (city.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("member \"", spec, "\" names no city"));
  }
  member.set_city(ToResourceName("cities", city));
  member.set_role(role);
  return member;
}

absl::StatusOr<v1::ProjectStatus> ParseProjectStatus(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "proposal") return v1::PROPOSAL;
  if (lower == "open") return v1::OPEN;
  if (lower == "running") return v1::RUNNING;
  if (lower == "closed") return v1::CLOSED;
  return absl::InvalidArgumentError(absl::StrCat(
      "status \"", text, "\" must be proposal, open, running or closed"));
}

absl::StatusOr<v1::TokenRole> ParseTokenRole(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "admin") return v1::ADMIN;
  if (lower == "editor") return v1::EDITOR;
  if (lower == "viewer") return v1::VIEWER;
  return absl::InvalidArgumentError(
      absl::StrCat("role \"", text, "\" must be admin, editor or viewer"));
}

absl::StatusOr<absl::Time> ParseExpiry(absl::string_view text, absl::Time now) {
  absl::Time when;
  std::string unused_error;
  if (absl::ParseTime(absl::RFC3339_full, text, &when, &unused_error)) {
    if (when <= now) {
      return absl::InvalidArgumentError(
          absl::StrCat("expiry \"", text, "\" is not in the future"));
    }
    return when;
  }
  absl::Duration duration;
  bool parsed = false;
  // absl::ParseDuration stops at hours; tokens live for days or weeks.
  if (!text.empty() && (text.back() == 'd' || text.back() == 'w')) {
    int64_t count = 0;
    // At most about 300 years, so the product below cannot overflow.
    if (absl::SimpleAtoi(text.substr(0, text.size() - 1), &count) &&
        count >= 0 && count <= 110000) {
      duration =
          (text.back() == 'd' ? absl::Hours(24) : absl::Hours(24 * 7)) * count;
      parsed = true;
    }
  } else {
    parsed = absl::ParseDuration(text, &duration);
  }
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expiry \"", text,
        "\" is neither an RFC 3339 time (2027-01-31T00:00:00Z) nor a "
        "duration (30d, 2w, 12h)"));
  }
  if (duration <= absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expiry \"", text, "\" must be a positive duration"));
  }
  return now + duration;
}

std::string DefaultTokenFile(const char* data_dir) {
  const std::string dir =
      data_dir != nullptr && data_dir[0] != '\0' ? data_dir : "var";
  return absl::StrCat(dir, "/admin.token");
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path,
                                          bool required) {
  // Far more than any token; a larger file is not a token file.
  constexpr size_t kMaxTokenFileBytes = 64 << 10;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT && !required) return std::string();
    const std::string message = absl::StrCat("cannot read token file ", path,
                                             ": ", std::strerror(error));
    if (error == EACCES || error == EPERM) {
      return absl::PermissionDeniedError(message);
    }
    return absl::NotFoundError(message);
  }
  std::string content;
  struct stat info;
  bool ok = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  char buffer[4096];
  while (ok) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    content.append(buffer, static_cast<size_t>(n));
    ok = content.size() <= kMaxTokenFileBytes;
  }
  ::close(fd);
  if (!ok) {
    return absl::NotFoundError(
        absl::StrCat("cannot read token file ", path,
                     ": not a regular file of at most 64 KiB"));
  }
  const absl::string_view token = absl::StripAsciiWhitespace(content);
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token file ", path, " holds no token"));
  }
  return std::string(token);
}

}  // namespace citymatch
