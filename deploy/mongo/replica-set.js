// The health check: initiates the one-member replica set on first start, as root, and is healthy only
// once this node is primary (the applications need a primary for their writes). The root password is
// read from its secret file, so it appears on no command line.
const fs = require('fs');
const password = fs.readFileSync('/run/secrets/mongo_root_password', 'utf8').trim();
const admin = connect('mongodb://root:' + encodeURIComponent(password) + '@127.0.0.1:27017/admin');
try {
  admin.adminCommand({ replSetGetStatus: 1 });
} catch (e) {
  admin.adminCommand({ replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] } });
}
quit(admin.hello().isWritablePrimary ? 0 : 1);
