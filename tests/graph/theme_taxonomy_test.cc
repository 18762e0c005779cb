#include "graph/theme_taxonomy.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// A taxonomy of its own, so that the behaviour is tested independently of the
// shipped content.
ThemeTaxonomy Small() {
  return ThemeTaxonomy({
      {"water",
       "Water and rivers",
       {"Waterways", "Rivers"},
       {"water", "river"}},
      {"arts", "Arts", {"Culture", "Art on the water"}, {"art", "cultur"}},
      {"both", "Both", {"Rivers"}, {}},
  });
}

TEST(ThemeTaxonomyTest, NormalizeLabelFoldsCaseSpaceAndQuotes) {
  EXPECT_EQ(NormalizeLabel("  Social   Inclusion\tand\nEqual  "),
            "social inclusion and equal");
  EXPECT_EQ(NormalizeLabel("\"Migrants\""), "migrants");
  EXPECT_EQ(NormalizeLabel(""), "");
  EXPECT_EQ(NormalizeLabel("   "), "");
}

TEST(ThemeTaxonomyTest, ThemesAreOrderedById) {
  ThemeTaxonomy t = Small();
  ASSERT_EQ(t.themes().size(), 3u);
  EXPECT_EQ(t.themes()[0].id, "arts");
  EXPECT_EQ(t.themes()[1].id, "both");
  EXPECT_EQ(t.themes()[2].id, "water");
  ASSERT_NE(t.Find("water"), nullptr);
  EXPECT_EQ(t.Find("water")->display_name, "Water and rivers");
  EXPECT_EQ(t.Find("fire"), nullptr);
  EXPECT_EQ(t.Find(""), nullptr);
}

TEST(ThemeTaxonomyTest, ExactSynonymIdAndDisplayNameResolve) {
  ThemeTaxonomy t = Small();
  EXPECT_THAT(t.Resolve("Waterways"), ElementsAre("water"));
  EXPECT_THAT(t.Resolve("  WATERWAYS "), ElementsAre("water"));
  EXPECT_THAT(t.Resolve("water"), ElementsAre("water"));
  EXPECT_THAT(t.Resolve("Water and rivers"), ElementsAre("water"));
  // A synonym shared by two themes maps to both, in taxonomy order.
  EXPECT_THAT(t.Resolve("rivers"), ElementsAre("both", "water"));
}

TEST(ThemeTaxonomyTest, KeywordsAreAFallbackOnlyForUnknownLabels) {
  ThemeTaxonomy t = Small();
  EXPECT_THAT(t.Resolve("Riverside art festival"),
              ElementsAre("arts", "water"));
  EXPECT_THAT(t.Resolve("Cultural water heritage"),
              ElementsAre("arts", "water"));
  // An exact synonym wins: no keyword search on top ("water" is not added).
  EXPECT_THAT(t.Resolve("Art on the water"), ElementsAre("arts"));
}

TEST(ThemeTaxonomyTest, UnknownLabelResolvesToNothing) {
  ThemeTaxonomy t = Small();
  EXPECT_THAT(t.Resolve("Fire brigades"), IsEmpty());
  EXPECT_THAT(t.Resolve(""), IsEmpty());
  EXPECT_THAT(ThemeTaxonomy::Default().Resolve("Zzyzx"), IsEmpty());
  EXPECT_THAT(ThemeTaxonomy::Default().Resolve(""), IsEmpty());
}

TEST(ThemeTaxonomyTest, DefaultResolvesProgrammeLabelsOfMigrationAndHousing) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  EXPECT_THAT(t.Resolve("Migrants"), ElementsAre("migration"));
  EXPECT_THAT(t.Resolve("migrants"), ElementsAre("migration"));
  EXPECT_THAT(t.Resolve("Housing"), ElementsAre("housing"));
  EXPECT_THAT(t.Resolve("Demographic change and immigration"),
              Contains("migration"));
  EXPECT_THAT(t.Resolve("Integration of migrants"), Contains("migration"));
}

TEST(ThemeTaxonomyTest, DefaultResolvesThemeIdsToThemselves) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  ASSERT_FALSE(t.themes().empty());
  for (const ThemeDefinition& theme : t.themes()) {
    EXPECT_THAT(t.Resolve(theme.id), Contains(theme.id));
    EXPECT_THAT(t.Resolve(theme.display_name), Contains(theme.id));
    EXPECT_EQ(t.Find(theme.id), &theme);
  }
  EXPECT_NE(t.Find("migration"), nullptr);
  EXPECT_NE(t.Find("housing"), nullptr);
}

TEST(ThemeTaxonomyTest, DefaultKeywordFallbackCatchesNewWording) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  EXPECT_THAT(t.Resolve("Reception of newly arrived immigrants"),
              Contains("migration"));
  EXPECT_THAT(t.Resolve("Affordable housing for young families"),
              Contains("housing"));
}

// An acronym keyword ("ict", "sme") counts where a word starts: the data's
// practice label "eviction" is not innovation, "Risk assessment" not economy.
TEST(ThemeTaxonomyTest, DefaultShortKeywordsMatchOnlyAtTheStartOfAWord) {
  const ThemeTaxonomy& taxonomy = ThemeTaxonomy::Default();
  EXPECT_THAT(taxonomy.Resolve("eviction"), IsEmpty());
  EXPECT_THAT(taxonomy.Resolve("District heating"),
              Not(Contains("innovation")));
  EXPECT_THAT(taxonomy.Resolve("Risk assessment"), Not(Contains("economy")));
  EXPECT_THAT(taxonomy.Resolve("ICT for schools"), Contains("innovation"));
  EXPECT_THAT(taxonomy.Resolve("Support to SMEs"), Contains("economy"));
  EXPECT_THAT(taxonomy.Resolve("e-ICT services"), Contains("innovation"));
  // Longer fragments still count inside a word.
  EXPECT_THAT(taxonomy.Resolve("Unemployment among newcomers"),
              Contains("employment"));
}

TEST(ThemeTaxonomyTest, DefinesIdsDisplayNamesAndSynonymsButNotKeywords) {
  ThemeTaxonomy t = Small();
  EXPECT_TRUE(t.Defines("water"));
  EXPECT_TRUE(t.Defines("Water and rivers"));
  EXPECT_TRUE(t.Defines("  RIVERS "));
  // Resolve() places it by its keywords, but no theme names it.
  EXPECT_THAT(t.Resolve("Riverside art festival"), Not(IsEmpty()));
  EXPECT_FALSE(t.Defines("Riverside art festival"));
  EXPECT_FALSE(t.Defines("Fire brigades"));
  EXPECT_FALSE(t.Defines(""));
}

TEST(ThemeTaxonomyTest, SuggestNamesTheThemeOfANearMiss) {
  ThemeTaxonomy t = Small();
  EXPECT_EQ(t.Suggest("watr"), "water");
  EXPECT_EQ(t.Suggest("Watrer"), "water");
  // A transposition is one edit.
  EXPECT_EQ(t.Suggest("Waterwyas"), "water");
  // A synonym suggests its theme's id, the name the themes list shows.
  EXPECT_EQ(t.Suggest("Cultrue"), "arts");
  EXPECT_EQ(t.Suggest("Culture"), "arts");
  // "Rivers" belongs to two themes: the first by id wins.
  EXPECT_EQ(t.Suggest("Rivres"), "both");
}

TEST(ThemeTaxonomyTest, SuggestAllowsAboutOneEditInFourCharacters) {
  ThemeTaxonomy t = Small();
  EXPECT_EQ(t.Suggest("ats"), "arts");        // 3 characters, 1 edit
  EXPECT_EQ(t.Suggest("as"), "");             // 2 characters, 2 edits
  EXPECT_EQ(t.Suggest("wterwys"), "");        // 7 characters, 2 edits
  EXPECT_EQ(t.Suggest("waterwys"), "water");  // 8 characters, 1 edit
  EXPECT_EQ(t.Suggest("wtrways"), "");        // 7 characters, 2 edits
  EXPECT_EQ(t.Suggest("Water and rivres plus"), "");
}

TEST(ThemeTaxonomyTest, SuggestIsEmptyForWhatIsFarFromEveryName) {
  ThemeTaxonomy t = Small();
  EXPECT_EQ(t.Suggest("Fire brigades"), "");
  EXPECT_EQ(t.Suggest("xyz"), "");
  EXPECT_EQ(t.Suggest(""), "");
  EXPECT_EQ(t.Suggest("   "), "");
  EXPECT_EQ(t.Suggest(std::string(200, 'w')), "");
}

TEST(ThemeTaxonomyTest, SuggestFallsBackToExtraLabels) {
  ThemeTaxonomy t = Small();
  EXPECT_EQ(t.Suggest("Fire brigdes", {"Police", "Fire brigades"}),
            "Fire brigades");
  // The taxonomy wins a tie, and the nearer name wins over both.
  EXPECT_EQ(t.Suggest("watr", {"wate"}), "water");
  EXPECT_EQ(t.Suggest("watr", {"watr"}), "watr");
  EXPECT_EQ(t.Suggest("xyz", {"Fire brigades"}), "");
}

TEST(ThemeTaxonomyTest, DefaultSuggestsTheThemeForCommonTypos) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  EXPECT_EQ(t.Suggest("migrnts"), "migration");
  EXPECT_EQ(t.Suggest("migratoin"), "migration");
  EXPECT_EQ(t.Suggest("hosing"), "housing");
  EXPECT_EQ(t.Suggest("educaton"), "education");
  EXPECT_EQ(t.Suggest("Social inclusoin and equal opportunities"), "inclusion");
  EXPECT_EQ(t.Suggest("xyz"), "");
  EXPECT_FALSE(t.Defines("migratoin"));
  EXPECT_TRUE(t.Defines("Migrants"));
}

}  // namespace
}  // namespace citymatch
