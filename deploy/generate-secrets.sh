#!/usr/bin/env bash
# Writes the secret files docker-compose.yml reads into deploy/secrets/, once: an existing file is kept,
# so running it again changes nothing. Nothing is printed but the file names.
# The directory is 0700, so no other user of this machine can reach the files; the files themselves are
# 0644 because Compose bind-mounts them with their host mode and the containers read them as their own
# unprivileged users (mongodb, opsplane).
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"

random_base64url() {
  head -c "$1" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

write() {
  if [ -e "$dir/$1" ]; then
    echo "kept    deploy/secrets/$1"
  else
    printf '%s\n' "$2" > "$dir/$1"
    chmod 0644 "$dir/$1"
    echo "wrote   deploy/secrets/$1"
  fi
}

write mongo_root_password "$(random_base64url 32)"
# Internal authentication of the replica set's members (required with access control): 6 to 1024 base64 characters.
write mongo_keyfile "$(head -c 756 /dev/urandom | base64 | tr -d '\n')"
write opsplane_mongodb_uri "mongodb://opsplane:$(random_base64url 32)@mongo:27017/opsplane?replicaSet=rs0&authSource=opsplane"
# As the command side generates keys: ops_ and 256 random bits in base64url.
write opsplane_admin_key "ops_$(random_base64url 32)"
# The server secret API keys are stored under (HMAC-SHA256), 256 random bits in base64; both sides read it.
write opsplane_key_pepper "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
