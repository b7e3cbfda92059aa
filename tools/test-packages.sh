# Sourced by ./run-tests: installs the Debian packages the tests read, if missing.
#   libonnx-testdata       the ONNX backend test suite (ONNX reader conformance)
#   dataset-fashion-mnist  the full Fashion-MNIST test set in IDX form (quantization accuracy)
#   chromium               headless browser that renders the HTML reports (HtmlReportBrowserTest)
octet_install_test_packages() {
  local packages=(libonnx-testdata dataset-fashion-mnist chromium) missing=() p
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests: the tests need Debian packages ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  echo "run-tests: installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
