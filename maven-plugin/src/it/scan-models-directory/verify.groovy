def classes = new File(basedir, 'target/classes')
assert new File(classes, 'dev/octet/models/Tiny.class').isFile()
assert new File(classes, 'com/example/App.class').isFile()
def report = new File(basedir, 'target/octet/build-report.txt').text
assert report.contains('dev.octet.models.Tiny compiled tiny.oir') : report
return true
