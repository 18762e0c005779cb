// The access policy, rule by rule: which role may make which kind of call,
// and which writes an editor may make on cities, projects and practices.
#include "server/access_policy.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::HasSubstr;

Principal Admin() {
  Principal p;
  p.token_id = "00000000000000a1";
  p.role = TokenRole::kAdmin;
  return p;
}

Principal Viewer() {
  Principal p;
  p.token_id = "00000000000000b1";
  p.role = TokenRole::kViewer;
  return p;
}

Principal Editor(const std::string& org, std::vector<std::string> cities) {
  Principal p;
  p.token_id = "00000000000000c1";
  p.role = TokenRole::kEditor;
  p.organization_id = org;
  p.organization_city_ids = std::move(cities);
  return p;
}

Principal Unspecified() {
  Principal p;
  p.token_id = "00000000000000d1";
  return p;
}

grpc::StatusCode Code(const grpc::Status& s) { return s.error_code(); }

constexpr grpc::StatusCode kOk = grpc::StatusCode::OK;
constexpr grpc::StatusCode kDenied = grpc::StatusCode::PERMISSION_DENIED;

TEST(AccessPolicyTest, CheckAccessByRole) {
  struct Row {
    const char* who;
    Principal principal;
    grpc::StatusCode read, write, admin;
  };
  const std::vector<Row> rows = {
      {"admin", Admin(), kOk, kOk, kOk},
      {"editor", Editor("a", {}), kOk, kOk, kDenied},
      {"viewer", Viewer(), kOk, kDenied, kDenied},
      {"unspecified", Unspecified(), kDenied, kDenied, kDenied},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(Code(CheckAccess(r.principal, Access::kRead)), r.read) << r.who;
    EXPECT_EQ(Code(CheckAccess(r.principal, Access::kWrite)), r.write) << r.who;
    EXPECT_EQ(Code(CheckAccess(r.principal, Access::kAdmin)), r.admin) << r.who;
  }
}

TEST(AccessPolicyTest, ARefusalNamesTheRoleWithItsArticle) {
  EXPECT_EQ(CheckAccess(Editor("a", {}), Access::kAdmin).error_message(),
            "an EDITOR token may not make this call: it needs an ADMIN token");
  EXPECT_EQ(CheckAccess(Viewer(), Access::kWrite).error_message(),
            "a VIEWER token may not make this call: it needs an ADMIN or "
            "EDITOR token");
  EXPECT_EQ(CheckAccess(Viewer(), Access::kAdmin).error_message(),
            "a VIEWER token may not make this call: it needs an ADMIN token");
}

City MakeCity(const std::string& id) {
  City c;
  c.id = id;
  c.name = id;
  c.country = "IT";
  c.population = 1000;
  return c;
}

TEST(AccessPolicyTest, OnlyAdminsCreateOrDeleteCities) {
  const City city = MakeCity("milano");
  EXPECT_EQ(Code(CheckWrite(Admin(), nullptr, &city, {})), kOk);
  EXPECT_EQ(Code(CheckWrite(Admin(), &city, nullptr, {})), kOk);
  const Principal editor = Editor("a", {"milano"});
  EXPECT_EQ(Code(CheckWrite(editor, nullptr, &city, {})), kDenied);
  EXPECT_EQ(Code(CheckWrite(editor, &city, nullptr, {})), kDenied);
  EXPECT_EQ(Code(CheckWrite(Viewer(), nullptr, &city, {})), kDenied);
  EXPECT_EQ(Code(CheckWrite(Viewer(), &city, nullptr, {})), kDenied);
}

TEST(AccessPolicyTest, EditorUpdatesOnlyTheProfileOfAttachedCities) {
  const City before = MakeCity("milano");
  City after = before;
  after.profile.capacity = 3;
  const Principal editor = Editor("a", {"torino", "milano"});
  struct Row {
    std::vector<std::string> mask;
    grpc::StatusCode code;
  };
  const std::vector<Row> rows = {
      {{"profile"}, kOk},
      {{"profile.capacity"}, kOk},
      {{"profile.seeking_themes", "profile.languages"}, kOk},
      {{}, kDenied},  // empty mask: every field
      {{"population"}, kDenied},
      {{"profile", "population"}, kDenied},
      {{"display_name"}, kDenied},
      {{"profiles"}, kDenied},
      {{"profile_extra"}, kDenied},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(Code(CheckWrite(editor, &before, &after, r.mask)), r.code)
        << ::testing::PrintToString(r.mask);
  }
  // An admin may change any field; a viewer none.
  EXPECT_EQ(Code(CheckWrite(Admin(), &before, &after, {})), kOk);
  EXPECT_EQ(Code(CheckWrite(Admin(), &before, &after, {"population"})), kOk);
  EXPECT_EQ(Code(CheckWrite(Viewer(), &before, &after, {"profile"})), kDenied);
}

TEST(AccessPolicyTest, EditorCannotTouchCitiesItsOrganizationIsNotAttachedTo) {
  const City before = MakeCity("roma");
  const City after = before;
  grpc::Status status =
      CheckWrite(Editor("a", {"milano"}), &before, &after, {"profile"});
  EXPECT_EQ(Code(status), kDenied);
  EXPECT_THAT(status.error_message(), HasSubstr("roma"));
  EXPECT_EQ(Code(CheckWrite(Editor("a", {}), &before, &after, {"profile"})),
            kDenied);
}

// Projects and practices follow the same ownership rules.
template <typename T>
class OwnedEntityPolicyTest : public ::testing::Test {
 protected:
  static T Owned(const std::string& owner) {
    T entity;
    entity.id = "thing";
    entity.owner = owner;
    return entity;
  }
};

using OwnedTypes = ::testing::Types<Project, Practice>;
TYPED_TEST_SUITE(OwnedEntityPolicyTest, OwnedTypes);

TYPED_TEST(OwnedEntityPolicyTest, EditorWritesOnlyWhatItsOrganizationOwns) {
  const TypeParam of_a = this->Owned("a");
  const TypeParam of_b = this->Owned("b");
  const TypeParam reference = this->Owned("");  // shipped data: no owner
  const Principal a = Editor("a", {"milano"});
  struct Row {
    const char* what;
    const TypeParam* before;
    const TypeParam* after;
    grpc::StatusCode code;
  };
  const std::vector<Row> rows = {
      {"create own", nullptr, &of_a, kOk},
      {"create for another organization", nullptr, &of_b, kDenied},
      {"create without owner", nullptr, &reference, kDenied},
      {"update own", &of_a, &of_a, kOk},
      {"give own away", &of_a, &of_b, kDenied},
      {"take another's", &of_b, &of_a, kDenied},
      {"update another's", &of_b, &of_b, kDenied},
      {"update reference data", &reference, &reference, kDenied},
      {"claim reference data", &reference, &of_a, kDenied},
      {"delete own", &of_a, nullptr, kOk},
      {"delete another's", &of_b, nullptr, kDenied},
      {"delete reference data", &reference, nullptr, kDenied},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(Code(CheckWrite(a, r.before, r.after, {})), r.code) << r.what;
    // An admin may do all of it, a viewer none of it.
    EXPECT_EQ(Code(CheckWrite(Admin(), r.before, r.after, {})), kOk) << r.what;
    EXPECT_EQ(Code(CheckWrite(Viewer(), r.before, r.after, {})), kDenied)
        << r.what;
    EXPECT_EQ(Code(CheckWrite(Unspecified(), r.before, r.after, {})), kDenied)
        << r.what;
  }
}

TYPED_TEST(OwnedEntityPolicyTest, DenialNamesBothOrganizations) {
  const TypeParam of_b = this->Owned("b");
  grpc::Status status = CheckWrite(Editor("a", {}), &of_b, nullptr, {});
  EXPECT_EQ(Code(status), kDenied);
  EXPECT_THAT(status.error_message(), HasSubstr("organizations/b"));
  EXPECT_THAT(status.error_message(), HasSubstr("organizations/a"));
}

TYPED_TEST(OwnedEntityPolicyTest, EditorsNewEntityWithoutOwnerGetsItsOrganization) {
  TypeParam entity = this->Owned("");
  AssignDefaultOwner(Editor("a", {}), &entity);
  EXPECT_EQ(entity.owner, "a");
  // ... and may then be created.
  EXPECT_EQ(Code(CheckWrite(Editor("a", {}), nullptr, &entity, {})), kOk);

  TypeParam other = this->Owned("b");
  AssignDefaultOwner(Editor("a", {}), &other);
  EXPECT_EQ(other.owner, "b");  // an explicit owner is kept (and refused)

  for (const Principal& p : {Admin(), Viewer()}) {
    TypeParam unowned = this->Owned("");
    AssignDefaultOwner(p, &unowned);
    EXPECT_EQ(unowned.owner, "");
  }
}

TEST(AccessPolicyTest, CitiesGetNoDefaultOwner) {
  City city = MakeCity("milano");
  const City before = city;
  AssignDefaultOwner(Editor("a", {"milano"}), &city);
  EXPECT_EQ(city, before);
}

}  // namespace
}  // namespace citymatch
