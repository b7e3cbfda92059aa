# Sourced by ./octet, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, else /usr/lib/jvm/temurin-25*, else one clear error.
octet_java_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
octet_find_jdk25() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    v=$(octet_java_feature "$candidate")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"; return 0
    fi
  done
  echo "octet: needs JDK 25 or newer; set JAVA_HOME to one, or install Temurin 25 under /usr/lib/jvm/temurin-25-jdk-amd64" >&2
  return 1
}
