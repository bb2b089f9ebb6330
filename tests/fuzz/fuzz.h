/*
 * fuzz.h - the one entry point every fuzz target defines: libFuzzer calls
 * it in a fuzz build (-Dfuzz=true, clang), replay.c calls it once per
 * corpus file in every other build.
 */
#ifndef SOCKSTEP_FUZZ_H
#define SOCKSTEP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
