#!/usr/bin/env sh
# Certificates for KurrentDB's secure mode in docker/compose.yaml: a CA, and a node certificate for the host name
# `kurrentdb` (the compose service) signed by it. Written to docker/certs/ (ignored by git and by docker build).
#   docker/gen-certs.sh            # once, before the first `docker compose -f docker/compose.yaml up`
# Uses openssl only. KurrentDB's own tool (es-gencert-cli: create-ca, create-node) makes equivalent files.
# Replace them with your organisation's certificates where you have them: KurrentDB needs a node certificate whose
# common name is KURRENTDB_CERTIFICATE_RESERVED_NODE_COMMON_NAME (here kurrentdb-node) and that is valid for the
# name the apps connect to (kurrentdb), for serverAuth and clientAuth; the apps need the CA (tlsCAFile).
set -eu
cd "$(dirname "$0")"
out=certs
if [ -e "$out/node/node.key" ] && [ "${1:-}" != "--force" ]; then
  echo "$out/ already has certificates (pass --force to replace them)"; exit 0
fi
mkdir -p "$out/ca" "$out/node"
openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 1825 \
  -keyout "$out/ca/ca.key" -out "$out/ca/ca.crt" -subj "/CN=billing KurrentDB CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -keyout "$out/node/node.key" -out "$out/node/node.csr" -subj "/CN=kurrentdb-node" 2>/dev/null
cat > "$out/node/node.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:kurrentdb,DNS:localhost,IP:127.0.0.1
EXT
openssl x509 -req -in "$out/node/node.csr" -CA "$out/ca/ca.crt" -CAkey "$out/ca/ca.key" -CAcreateserial \
  -out "$out/node/node.crt" -days 825 -sha256 -extfile "$out/node/node.ext" 2>/dev/null
rm -f "$out/node/node.csr" "$out/node/node.ext" "$out/ca/ca.srl"
# The CA key is not needed by any container: keep it elsewhere once the node certificate is made.
chmod 600 "$out/ca/ca.key"
# KurrentDB runs as a non-root user in its container and reads the node key through the bind mount.
chmod 644 "$out/node/node.key" "$out/node/node.crt" "$out/ca/ca.crt"
openssl verify -CAfile "$out/ca/ca.crt" "$out/node/node.crt"
echo "written: $out/ca/ca.crt, $out/node/node.crt, $out/node/node.key (CA key: $out/ca/ca.key)"
