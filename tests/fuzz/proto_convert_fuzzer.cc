// Fuzzes request conversion (server/proto_convert.h): the City, Project and
// Practice a client sends in Create/Update calls, from any bytes a client
// could put on the wire. The first input byte picks the message type, the
// rest is the serialized message.
//
// Invariants: every violation names a field under the given prefix and says
// why; an entity accepted without violation converts to the API and back to
// the same entity, again without violation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "citymatch/v1/resources.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "graph/entities.h"
#include "graph/validation.h"
#include "server/proto_convert.h"
#include "tests/fuzz/fuzz_check.h"

namespace citymatch {
namespace {

constexpr char kId[] = "fuzz-1";

void CheckViolations(const std::vector<FieldViolation>& violations,
                     const std::string& prefix) {
  for (const FieldViolation& v : violations) {
    FUZZ_CHECK(absl::StartsWith(v.field, prefix));
    FUZZ_CHECK(v.field.size() > prefix.size());
    FUZZ_CHECK(!v.description.empty());
  }
}

// Parses `bytes` as a `Message`, converts it, and if it was accepted checks
// that it survives ToProto -> serialize -> parse -> FromProto unchanged.
template <typename Message>
void Convert(const std::string& bytes, const std::string& prefix) {
  Message message;
  if (!message.ParseFromString(bytes)) return;
  std::vector<FieldViolation> violations;
  const auto entity = FromProto(message, kId, prefix, &violations);
  CheckViolations(violations, prefix);
  FUZZ_CHECK(entity.id == kId);
  if (!violations.empty()) return;

  Etag(entity);
  Message again;
  FUZZ_CHECK(again.ParseFromString(ToProto(entity).SerializeAsString()));
  std::vector<FieldViolation> more;
  const auto round_trip = FromProto(again, kId, prefix, &more);
  FUZZ_CHECK(more.empty());
  FUZZ_CHECK(round_trip == entity);
  FUZZ_CHECK(Etag(round_trip) == Etag(entity));
}

}  // namespace
}  // namespace citymatch

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Strings with invalid UTF-8 fail to parse, as they should; protobuf would
  // also log each one, and that flood is not worth the time.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      citymatch::Convert<citymatch::v1::City>(bytes, "city.");
      break;
    case 1:
      citymatch::Convert<citymatch::v1::Project>(bytes, "project.");
      break;
    case 2:
      citymatch::Convert<citymatch::v1::Practice>(bytes, "practice.");
      break;
  }
  return 0;
}
