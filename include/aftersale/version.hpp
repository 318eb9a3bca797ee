#pragma once
/// @file
/// Library version, for `#if` checks and for the CLI's `--version`.

#define AFTERSALE_VERSION_MAJOR 0
#define AFTERSALE_VERSION_MINOR 1
#define AFTERSALE_VERSION_PATCH 0
#define AFTERSALE_VERSION_STRING "0.1.0"
