def log = new File(basedir, 'build.log').text
assert log.contains('octet: ') && log.contains('fashion-cnn.onnx: static int8 needs calibration samples') : log
return true
