#include "graph/ranking/crc32.h"

#include "gtest/gtest.h"

namespace citymatch {
namespace {

TEST(Crc32Test, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
}

TEST(Crc32Test, MatchesZlibOnKnownStrings) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("a"), 0xE8B7BE43u);
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  // Values from Python's zlib.crc32 for ids shaped like the data's.
  EXPECT_EQ(Crc32("x-a"), 3208440795u);
  EXPECT_EQ(Crc32("x-a#"), 1641785672u);
}

TEST(Crc32Test, HandlesBytesAboveAscii) {
  // "é" in UTF-8; bytes must be read unsigned.
  EXPECT_EQ(Crc32("\xC3\xA9"), 0x0E048D3Eu);
}

}  // namespace
}  // namespace citymatch
