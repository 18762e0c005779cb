// One valid entity of each kind, built in code, for tests that start from a
// good value and change one field (validation, equality, conversion).
#ifndef CITYMATCH_TESTS_TESTING_ENTITY_FIXTURES_H_
#define CITYMATCH_TESTS_TESTING_ENTITY_FIXTURES_H_

#include "graph/entities.h"

namespace citymatch::testing {

// Milano (GeoNames 3173435), with coordinates and population.
City Milano();

// "Arrival Cities" (URBACT II, 2012-2015, closed): Milano as lead and one
// partner, themes Migrants and Inclusion.
Project ArrivalCities();

// Bilbao's "Women's Health in Women's Hands" (since 2010; Health, Migrants).
Practice BilbaoHealth();

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_TESTING_ENTITY_FIXTURES_H_
