package main

// sysFinitModule is finit_module's system call number on arm64.
const sysFinitModule = 273
