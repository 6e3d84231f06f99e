// Runs once, when MongoDB initialises an empty data directory (docker-entrypoint-initdb.d), as the
// root user. Creates the user the applications connect as, with readWrite on their database and
// nothing else, from the connection string the applications are given: one secret, no second copy
// of the password.
const fs = require('fs');
const uri = new URL(fs.readFileSync('/run/secrets/opsplane_mongodb_uri', 'utf8').trim());
const database = decodeURIComponent(uri.pathname.replace(/^\//, ''));
if (!uri.username || !uri.password || !database) {
  throw new Error('opsplane_mongodb_uri must name a user, a password and a database');
}
db.getSiblingDB(database).createUser({
  user: decodeURIComponent(uri.username),
  pwd: decodeURIComponent(uri.password),
  roles: [{ role: 'readWrite', db: database }],
});
print('created the application user on ' + database + ' (readWrite only)');
