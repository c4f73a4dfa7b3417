//go:build !wayland

package main

// nativeWayland is set in builds made with -tags wayland, where GLFW draws
// on the Wayland compositor itself instead of through X11.
const nativeWayland = false
