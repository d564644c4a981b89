/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* version.c - the versions of the library that runs (stubflash/version.h has the headers'). */
#include "sf_internal.h"

#include <stubflash/version.h>

const char *sf_version(void) { return SF_PACKAGE_VERSION_STRING; }
unsigned sf_version_major(void) { return SF_PACKAGE_VERSION_MAJOR; }
unsigned sf_version_minor(void) { return SF_PACKAGE_VERSION_MINOR; }
unsigned sf_version_micro(void) { return SF_PACKAGE_VERSION_MICRO; }
const char *sf_lib_version_string(void) { return SF_LIB_VERSION_STRING; }
