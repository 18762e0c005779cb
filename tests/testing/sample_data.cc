#include "tests/testing/sample_data.h"

#include <cstdlib>
#include <filesystem>

#include "graph/dataset_reader.h"

namespace citymatch::testing {

std::map<std::string, std::string> SampleFiles() {
  return {
      {"cities.csv",
       "id,name,country,lat,lon,population\n"
       "milano,Milano,IT,45.46427,9.18951,1371498\n"
       "roma,Roma,IT,41.89193,12.51133,2318895\n"
       "torino,Torino,IT,45.07049,7.68682,870456\n"
       "wien,Wien,AT,48.20849,16.37208,1691468\n"
       "graz,Graz,AT,47.06667,15.45,222326\n"
       "lyon,Lyon,FR,45.74846,4.84671,472317\n"
       "\"bilbao\",Bilbao,ES,43.26271,-2.92528,354860\n"
       "sevilla,\"Sevilla, Andalucia\",ES,37.38283,-5.97317,0\n"},
      {"projects.csv",
       "id,name,programme,start_year,end_year,themes\n"
       "urbact-arrival,Arrival Cities,URBACT II,2012,2015,"
       "Migrants|Social inclusion and equal opportunities\n"
       "urbact-welcome,Welcoming Cities,URBACT III,2016,2018,"
       "Demographic change and immigration|Housing\n"
       "interreg-alps-heritage,Alpine Heritage,Interreg Alpine Space,2016,"
       "2019,Cultural heritage and arts|Tourism\n"
       "interreg-it-at-health,Health Across,Interreg V-A Italy-Austria,2017,,"
       "Health and social services\n"},
      {"memberships.csv",
       "project_id,city_id,role\n"
       "urbact-arrival,milano,lead\n"
       "urbact-arrival,roma,partner\n"
       "urbact-arrival,wien,partner\n"
       "urbact-arrival,bilbao,partner\n"
       "urbact-welcome,bilbao,lead\n"
       "urbact-welcome,wien,partner\n"
       "urbact-welcome,lyon,partner\n"
       "interreg-alps-heritage,torino,lead\n"
       "interreg-alps-heritage,graz,partner\n"
       "interreg-alps-heritage,lyon,partner\n"
       "interreg-it-at-health,torino,partner\n"
       "interreg-it-at-health,graz,lead\n"},
      {"practices.csv",
       "id,name,city_id,themes,start_year\n"
       "eumia-bilbao-health,Women's Health in Women's Hands,bilbao,"
       "Health|Migrants,2010\n"
       "gp-sevilla-housing,\"Homes, not shelters\",sevilla,Housing|Roma,\n"},
      {"twinnings.csv",
       "city_a,city_b\n"
       "milano,lyon\n"
       "graz,sevilla\n"},
  };
}

Dataset SampleDataset() {
  ParsedDataset parsed = ParseDataset(SampleFiles(), nullptr);
  if (!parsed.problems.empty()) std::abort();  // the sample must be valid
  return std::move(parsed.dataset);
}

std::string ShippedDataDir() {
  const char* source = std::getenv("CITYMATCH_SOURCE_DIR");
  std::filesystem::path root = source != nullptr ? source : ".";
  return (root / "deploy" / "data").string();
}

}  // namespace citymatch::testing
