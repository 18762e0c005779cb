// ISO 3166-1 alpha-2 country codes and EU membership, for validating cities
// and for the consortium rules of EU programmes.
#ifndef CITYMATCH_GRAPH_COUNTRY_CODES_H_
#define CITYMATCH_GRAPH_COUNTRY_CODES_H_

#include "absl/strings/string_view.h"

namespace citymatch {

// True for an assigned ISO 3166-1 alpha-2 code in upper case ("IT"), and for
// "XK" (Kosovo), which GeoNames and the EU use as a user-assigned code.
bool IsIsoCountryCode(absl::string_view code);

// True for the 27 member states of the European Union (ISO codes: Greece is
// "GR").
bool IsEuMemberState(absl::string_view code);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_COUNTRY_CODES_H_
