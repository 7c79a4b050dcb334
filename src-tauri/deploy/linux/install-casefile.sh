#!/usr/bin/env bash
# Sets up Casefile on one Linux desktop for a firm, from a script alone: installs the package,
# places the managed policy (root-owned, 0644, checked before it replaces anything), stores the
# policy's credentials in the desktop user's keychain from root-only files, and prints the
# configuration in force. Run it as root; every step can be run again.
#
#   install-casefile.sh --policy FILE [--deb FILE] [--secrets DIR] [--user NAME]
#
#   --policy FILE  the firm's policy (check it first with: casefile-admin policy validate FILE)
#   --deb FILE     the Casefile .deb to install (omit it when Casefile is installed already)
#   --secrets DIR  a folder only its owner can read, holding one file per credential, named
#                  PROFILE.FIELD (e.g. firm-eu.api_key), each containing the value
#   --user NAME    the desktop user whose keychain gets the credentials; they must be logged in
#                  (their keychain unlocked). Default: the user running the script.
#
# Environment: CASEFILE_POLICY_FILE (where the policy goes; default /etc/casefile/policy.json)
# and CASEFILE_ADMIN (the admin CLI; default /usr/bin/casefile-admin). Exit codes: 0 done, 2 bad
# arguments or unsafe secrets folder, else the failing casefile-admin command's code (see docs/admin.md).
set -euo pipefail

policy_target=${CASEFILE_POLICY_FILE:-/etc/casefile/policy.json}
admin=${CASEFILE_ADMIN:-/usr/bin/casefile-admin}
deb="" policy="" secrets="" user=""

fail() {
  echo "install-casefile: $1" >&2
  exit "${2:-2}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --policy) policy=${2:?--policy needs a file}; shift 2 ;;
    --deb) deb=${2:?--deb needs a file}; shift 2 ;;
    --secrets) secrets=${2:?--secrets needs a folder}; shift 2 ;;
    --user) user=${2:?--user needs a name}; shift 2 ;;
    *) fail "unknown argument $1 (see the comment at the top of this script)" ;;
  esac
done
[ -n "$policy" ] || fail "--policy FILE is required"

# Runs the admin CLI as the desktop user, in their session, so credentials reach their keychain.
as_user() {
  if [ -n "$user" ] && [ "$(id -u)" -eq 0 ] && [ "$user" != root ]; then
    local uid
    uid=$(id -u "$user")
    runuser -u "$user" -- env XDG_RUNTIME_DIR="/run/user/$uid" \
      DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" "$admin" "$@"
  else
    "$admin" "$@"
  fi
}

# 1. The package (it carries the app and the admin CLI).
if [ -n "$deb" ]; then
  apt-get install -y "$(realpath "$deb")"
fi

# 2. The policy: checked first, so a bad file never replaces a good one; then moved into place
#    whole, writable by its owner (root) only. Casefile refuses a policy others could change.
"$admin" policy validate "$policy" || fail "$policy is not a valid policy; nothing was changed" $?
install -d -m 0755 "$(dirname "$policy_target")"
staged=$(mktemp "$(dirname "$policy_target")/.policy.XXXXXX")
install -m 0644 "$policy" "$staged"
mv -f "$staged" "$policy_target"
echo "Policy placed at $policy_target"

# 3. Credentials, from files only their owner can read; values never appear on a command line.
if [ -n "$secrets" ]; then
  [ -d "$secrets" ] || fail "$secrets is not a folder"
  case "$(stat -c %a "$secrets")" in
    700 | 500) ;;
    *) fail "$secrets can be read by other users; chmod 700 it (and 600 its files)" ;;
  esac
  for file in "$secrets"/*.*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    as_user secret set "${name%%.*}" "${name#*.}" <"$file"
  done
fi

# 4. What is now in force on this desktop, as JSON (exit 10 if the policy were invalid).
as_user --json policy effective
