// The `citymatch recommend` command.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

void AddRecommendCommand(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string project, lead, programme;
    std::vector<std::string> themes, with, countries, exclude;
    int top = 10;
    int64_t min_population = 0, max_population = 0;
    double max_distance_km = 0;
    bool explain = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* recommend = app->add_subcommand(
      "recommend",
      "Recommend partner cities for a stored project (recommend PROJECT) or "
      "a draft (recommend --themes A,B --with CITY,... [--lead CITY])");
  recommend->add_option("PROJECT", f->project,
                        "id or projects/{id} of a stored project");
  CLI::Option* themes_opt =
      AddListOption(recommend, "--themes", &f->themes,
                    "draft: theme ids or labels, comma-separated");
  CLI::Option* with_opt =
      AddListOption(recommend, "--with", &f->with,
                    "draft: member cities by id (cities list --name finds "
                    "it), comma-separated")
          ->check(NoEmptyValue("a city"));
  CLI::Option* lead_opt =
      recommend->add_option("--lead", f->lead, "draft: the lead city");
  CLI::Option* programme_opt = recommend->add_option(
      "--programme", f->programme,
      "draft: the programme or call applied to, as the data names it (e.g. "
      "\"URBACT\"; case, blanks and punctuation aside); one without past "
      "projects ranks without programme history, with a note");
  recommend->add_option("--top", f->top, "How many cities (1..100)")
      ->check(NumberIn(1, 100, /*whole=*/true))
      ->capture_default_str();
  AddListOption(recommend, "--countries", &f->countries,
                "Only these ISO country codes, comma-separated")
      ->check(NoEmptyValue("a country code"));
  recommend
      ->add_option("--min-population", f->min_population,
                   "Only cities with at least this many inhabitants")
      ->check(NonNegative(/*whole=*/true));
  recommend
      ->add_option("--max-population", f->max_population,
                   "Only cities with at most this many inhabitants")
      ->check(NonNegative(/*whole=*/true));
  recommend
      ->add_option("--max-distance-km", f->max_distance_km,
                   "Only cities this close to the nearest member")
      ->check(NonNegative(/*whole=*/false));
  AddListOption(recommend, "--exclude", &f->exclude,
                "Never these cities, comma-separated")
      ->check(NoEmptyValue("a city"));
  recommend->add_flag("--explain", f->explain,
                      "Show each score component: name, value, contribution");
  // PROJECT and the draft's flags exclude each other, checked here rather
  // than by CLI11: a stray value ("--with 3173435, 3165524", the space
  // splitting the list) lands in PROJECT, and CLI11 would only say
  // "PROJECT excludes --with".
  recommend->callback([=] {
    v1::RecommendPartnersRequest request;
    std::vector<std::string> draft_flags;
    for (const CLI::Option* o :
         {themes_opt, with_opt, lead_opt, programme_opt}) {
      if (o->count() > 0) draft_flags.push_back(o->get_name());
    }
    if (!f->project.empty() && !draft_flags.empty()) {
      choice->usage = absl::InvalidArgumentError(absl::StrCat(
          "\"", f->project,
          "\" was read as the stored PROJECT to recommend "
          "for, which cannot go with ",
          absl::StrJoin(draft_flags, ", "),
          " (a draft); if it belongs to a list, write the list without "
          "spaces (--with 3173435,3165524) or in quotes"));
      return;
    }
    if (!f->project.empty()) {
      request.set_project(ToResourceName("projects", f->project));
    } else if (f->themes.empty() && f->with.empty() && f->lead.empty()) {
      choice->usage = absl::InvalidArgumentError(
          "recommend needs a PROJECT, or --themes and/or --with / --lead");
      return;
    } else {
      v1::ProjectDraft* draft = request.mutable_draft();
      for (const std::string& t : ListItems(f->themes)) draft->add_themes(t);
      for (const std::string& c : ListItems(f->with)) {
        draft->add_member_cities(ToResourceName("cities", c));
      }
      if (!f->lead.empty()) {
        draft->set_lead_city(ToResourceName("cities", f->lead));
      }
      draft->set_programme(f->programme);
    }
    request.set_page_size(f->top);
    v1::PartnerFilter* filter = request.mutable_filter();
    for (const std::string& c : ListItems(f->countries)) {
      filter->add_countries(CountryFilter(c));
    }
    filter->set_min_population(f->min_population);
    filter->set_max_population(f->max_population);
    filter->set_max_distance_km(f->max_distance_km);
    for (const std::string& c : ListItems(f->exclude)) {
      filter->add_exclude_cities(ToResourceName("cities", c));
    }
    choice->action = [request, explain = f->explain](Commands& c) {
      return c.Recommend(request, explain);
    };
  });
}

}  // namespace citymatch::cli
