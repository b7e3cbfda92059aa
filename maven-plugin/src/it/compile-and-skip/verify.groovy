// Runs after the second build.
def classes = new File(basedir, 'target/classes')
assert new File(classes, 'com/example/FashionMlp.class').isFile()
assert new File(classes, 'com/example/FashionMlp.weights').isFile()
assert new File(classes, 'dev/octet/runtime/OctetModel.class').isFile()
def report = new File(basedir, 'target/octet/build-report.txt').text
assert report.contains('com.example.FashionMlp up-to-date fashion-mlp.onnx') : report
def log = new File(basedir, 'build.log').text
assert log.contains('octet: com.example.FashionMlp is up to date') : 'second build skipped'
return true
