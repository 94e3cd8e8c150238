package main

// sysFinitModule is finit_module's system call number on amd64.
const sysFinitModule = 313
