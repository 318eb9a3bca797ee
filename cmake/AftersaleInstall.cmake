# Install rules and the package config for find_package(aftersale). (Filled in by the install work.)
include(GNUInstallDirs)
