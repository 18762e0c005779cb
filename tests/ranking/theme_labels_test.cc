#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "graph/theme_taxonomy.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// The 88 distinct theme labels of the shipped projects (../shared/data).
const std::vector<std::string>& ShippedLabels() {
  static const std::vector<std::string>* const kLabels =
      new std::vector<std::string>{
          "Abandoned Spaces",
          "Ageing",
          "Agriculture and fisheries and forestry",
          "Capacity Building",
          "Carbon Neutrality",
          "Circular Economy",
          "City Branding",
          "City Management",
          "City Planning",
          "Climate Adaptation",
          "Climate change and biodiversity",
          "Clustering and economic cooperation",
          "Coastal management and maritime issues",
          "Community integration and common identity",
          "Construction and renovation",
          "Cooperation between emergency services",
          "Cross-border Cooperation",
          "Cultural heritage and arts",
          "Culture & Heritage",
          "Demographic change and immigration",
          "Digital Transition",
          "Economy",
          "Education",
          "Education and training",
          "Energy Efficiency",
          "Energy efficiency",
          "Entrepreneurship & SMEs",
          "Environment",
          "Evaluation systems and results",
          "Financial Engineering",
          "Food",
          "Governance",
          "Governance, partnership",
          "Green technologies",
          "Health",
          "Health and social services",
          "Housing",
          "ICT and digital society",
          "Improving transport connections",
          "Inclusion",
          "Infrastructure",
          "Innovation capacity and awareness-raising",
          "Institutional cooperation and cooperation networks",
          "Integrated Urban Development",
          "Integrated Urban Development / Economy",
          "Jobs and skills",
          "Knowledge and technology transfer",
          "Labour market and employment",
          "Local Economy",
          "Logistics and freight transport",
          "Managing natural and man-made threats, risk management",
          "Migrants",
          "Minorities",
          "Mobility",
          "Multimodal transport",
          "New products and services",
          "Participation",
          "Physical Urban Development",
          "Poverty",
          "Priority Neighbourhoods",
          "Procurement",
          "Regional planning and development",
          "Renewable energy",
          "Research & Innovation",
          "Rural and peripheral development",
          "SME and entrepreneurship",
          "Safety",
          "Scientific cooperation",
          "Social Economy",
          "Social Innovation",
          "Social inclusion and equal opportunities",
          "Soil and air quality",
          "Strategic Planning",
          "Sustainable management of natural resources",
          "Tourism",
          "Traditional energy",
          "Transport and mobility",
          "Urban Development",
          "Urban Planning",
          "Urban Renewal",
          "Urban development",
          "Urban-rural",
          "Waste",
          "Waste and pollution",
          "Water management",
          "Waterways, lakes and rivers",
          "Youth",
          "partnership"};
  return *kLabels;
}

TEST(ThemeLabelsTest, EveryShippedLabelMapsOntoTheTaxonomy) {
  ASSERT_EQ(ShippedLabels().size(), 88u);
  for (const std::string& label : ShippedLabels()) {
    EXPECT_THAT(ThemeTaxonomy::Default().Resolve(label), Not(IsEmpty()))
        << label;
  }
}

TEST(ThemeLabelsTest, MigrationLabelsMeet) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  EXPECT_THAT(t.Resolve("Migrants"), ElementsAre("migration"));
  EXPECT_THAT(t.Resolve("Demographic change and immigration"),
              ElementsAre("migration"));
  EXPECT_THAT(t.Resolve("Integration of migrants"), ElementsAre("migration"));
  EXPECT_THAT(t.Resolve("Roma"), ElementsAre("inclusion"));
  EXPECT_THAT(t.Resolve("Social inclusion and equal opportunities"),
              ElementsAre("inclusion"));
}

TEST(ThemeLabelsTest, StraddlingLabelsMeetBothThemes) {
  const ThemeTaxonomy& t = ThemeTaxonomy::Default();
  EXPECT_THAT(t.Resolve("Social Economy"),
              UnorderedElementsAre("economy", "inclusion"));
  EXPECT_THAT(t.Resolve("Urban-rural"),
              UnorderedElementsAre("rural", "urban-development"));
  EXPECT_THAT(t.Resolve("Capacity Building"), ElementsAre("governance"));
}

}  // namespace
}  // namespace citymatch
