/**
 * Code generation from verified graphs: JVM classes emitted with the ClassFile API, Vector API int8 kernels, and
 * run-time VNNI micro-kernels. Nothing is generated yet; the JVM backend is the subject of its own issue, and this
 * module exists so that the build's layout is final and later modules depend on it from the start.
 */
package dev.octet.backends;
