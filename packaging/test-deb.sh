#!/usr/bin/env bash
# test-deb.sh: build the amd64 .deb, check what is in it, install it on this
# machine, run the installed kiosk's commands, purge it, and check that nothing
# is left behind. It installs and removes a package: run it on a build or test
# machine, not on a kiosk. Needs root (or sudo). The last line says
# "N passed, M failed"; the exit status is non-zero when anything failed.
#   packaging/test-deb.sh [DEB]    test DEB instead of building one
# shellcheck disable=SC2016 # the single-quoted bash -c checks expand when they run
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
passed=0
failed=0
say() { printf '==> %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/      /'
}
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  local desc=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc" "$out"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
need dpkg-dev binutils file desktop-file-utils systemd adduser curl || { fail "install the test's tools"; finish; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lobbykiosk-test-deb-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- build
if [ -n "${1:-}" ]; then
  deb=$1
else
  say "building the amd64 package"
  start=$SECONDS
  if deb=$(bash packaging/build-deb.sh amd64 "$tmp/dist" 2>"$tmp/build.log" | tail -n1) && [ -f "$deb" ]; then
    pass "build-deb.sh amd64 wrote $(basename "$deb") in $((SECONDS - start)) s"
  else
    fail "build-deb.sh amd64" "$(tail -n 30 "$tmp/build.log")"
    finish
  fi
fi

# ---------------------------------------------------------------- contents
say "contents (dpkg-deb -c) and fields (dpkg-deb -I)"
dpkg-deb -c "$deb" >"$tmp/contents"
for f in ./usr/bin/lobbykiosk ./etc/lobbykiosk/kiosk.toml ./lib/systemd/system/lobbykiosk.service \
  ./usr/share/applications/lobbykiosk.desktop ./usr/share/icons/hicolor/512x512/apps/lobbykiosk.png \
  ./usr/share/doc/lobbykiosk/README.md ./usr/share/lobbykiosk/demo/posts/mastodon.rss \
  ./usr/share/lobbykiosk/demo/wins.csv ./usr/share/lobbykiosk/demo/images/p01.jpg \
  ./lib/systemd/system/lobbykiosk-hub.service ./usr/share/doc/lobbykiosk/hub.example.toml; do
  check "package holds $f" grep -q " $f\$" "$tmp/contents"
done
check "/usr/bin/lobbykiosk is root-owned and executable" grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/lobbykiosk$' "$tmp/contents"
check "the package does not ship /var/lib/lobbykiosk (postinst makes it)" bash -c "! grep -q ' ./var/lib/lobbykiosk' '$tmp/contents'"

fields=$(dpkg-deb -f "$deb")
check "Package: lobbykiosk" grep -qx 'Package: lobbykiosk' <<<"$fields"
check "Architecture: amd64" grep -qx 'Architecture: amd64' <<<"$fields"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libc6 libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1 adduser; do
  check "Depends names $p" grep -qE "(^|, )$p( |,|$)" <<<"$depends"
done
check "Depends names fonts-noto-core (Arabic, Hebrew, Devanagari, Thai…)" grep -qE "(^|, )fonts-noto-core( |,|$)" <<<"$depends"
check "Recommends names fonts-noto-cjk (Chinese, Japanese, Korean)" bash -c "dpkg-deb -f '$deb' Recommends | grep -qE '(^|, )fonts-noto-cjk( |,|$)'"
check "conffiles: /etc/lobbykiosk/kiosk.toml, and nothing else" \
  bash -c "[ \"\$(dpkg-deb -I '$deb' conffiles)\" = /etc/lobbykiosk/kiosk.toml ]"
check "postinst, prerm and postrm are in the package" bash -c "dpkg-deb -I '$deb' | grep -q postinst && dpkg-deb -I '$deb' | grep -q prerm && dpkg-deb -I '$deb' | grep -q postrm"

# Every library the binary links must come from a package Depends names;
# found here with ldd, independently of build-deb.sh's dpkg-shlibdeps.
dpkg-deb -x "$deb" "$tmp/x"
check "the binary is x86-64" bash -c "file -b '$tmp/x/usr/bin/lobbykiosk' | grep -q x86-64"
# covered WHAT PATH: the package holding PATH must be in Depends. dpkg knows a
# library by the path its package installed (/lib or /usr/lib on merged /usr).
covered() {
  local what=$1 path=$2 pkg="" p
  for p in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
    pkg=$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$pkg" ] && break
  done
  if [ -n "$pkg" ] && grep -qE "(^|, )$pkg( |,|$)" <<<"$depends"; then
    pass "$what comes from $pkg, in Depends"
  else
    fail "$what ($path, package '${pkg:-?}') is not covered by Depends: $depends"
  fi
}
unresolved=$(ldd "$tmp/x/usr/bin/lobbykiosk" | grep 'not found' || true)
if [ -z "$unresolved" ]; then pass "ldd resolves every library"; else fail "ldd resolves every library" "$unresolved"; fi
for lib in $(objdump -p "$tmp/x/usr/bin/lobbykiosk" | awk '/NEEDED/ {print $2}'); do
  path=$(ldd "$tmp/x/usr/bin/lobbykiosk" | awk -v l="$lib" '$1 == l {print $3}')
  covered "NEEDED $lib" "$path"
done
# GLFW loads its X extensions with dlopen: ldd cannot see them, the names
# are strings in the binary.
for lib in $(strings "$tmp/x/usr/bin/lobbykiosk" | grep -E '^libX(cursor|i|inerama|randr|xf86vm)\.so\.[0-9]+$' | sort -u); do
  covered "dlopen $lib" "$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
done
check "the desktop entry is valid" desktop-file-validate "$tmp/x/usr/share/applications/lobbykiosk.desktop"
check "the icon is a 512x512 PNG" bash -c "file -b '$tmp/x/usr/share/icons/hicolor/512x512/apps/lobbykiosk.png' | grep -q 'PNG image data, 512 x 512'"
# The demo goes in as it is: its files name their pictures by paths relative
# to themselves, so each must be in the package, next to the file naming it.
check "the package does not ship the demo command's own kiosk.toml" bash -c "! grep -q ' ./usr/share/lobbykiosk/demo/kiosk.toml\$' '$tmp/contents'"
demo_pictures() {
  local f ref n=0 missing=()
  while IFS= read -r f; do
    while IFS= read -r ref; do
      n=$((n + 1))
      [ -f "$(dirname "$f")/$ref" ] || missing+=("${f#"$tmp/x"}: $ref")
    done < <(grep -oE '"[^"/:][^":]*\.(png|jpe?g)"' "$f" | tr -d '"')
  done < <(find "$tmp/x/usr/share/lobbykiosk/demo" -type f \( -name '*.rss' -o -name '*.xml' -o -name '*.json' -o -name '*.csv' -o -name '*.md' \))
  if [ "$n" -gt 0 ] && [ "${#missing[@]}" -eq 0 ]; then
    pass "the $n pictures the packaged demo names by relative path are in the package"
  else
    fail "the pictures the packaged demo names by relative path are in the package ($n named)" "$(printf '%s\n' "${missing[@]}")"
  fi
}
demo_pictures

# ---------------------------------------------------------------- install
if dpkg-query -W -f='${Status}' lobbykiosk 2>/dev/null | grep -q "ok installed"; then
  say "lobbykiosk is installed already: purging it first"
  $sudo dpkg --purge lobbykiosk >/dev/null
fi
say "installing $(basename "$deb")"
start=$SECONDS
# Through apt, as an office's IT person would: it brings the fonts the
# package depends on and recommends.
if DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$(readlink -f "$deb")" >"$tmp/install.log" 2>&1; then
  pass "apt-get install ./$(basename "$deb") installed it in $((SECONDS - start)) s"
else
  fail "apt-get install the package" "$(tail -n 30 "$tmp/install.log")"
  finish
fi
check "dpkg says lobbykiosk is installed" bash -c "dpkg-query -W -f='\${Status}' lobbykiosk | grep -qx 'install ok installed'"
check "postinst printed no error or warning" bash -c "! grep -iE 'error|warning' '$tmp/install.log'"

check "user lobbykiosk exists, a system account" bash -c '[ "$(id -u lobbykiosk)" -lt 1000 ]'
check "its home is /var/lib/lobbykiosk and it cannot log in" bash -c \
  'getent passwd lobbykiosk | awk -F: '\''$6 == "/var/lib/lobbykiosk" && $7 ~ /(nologin|false)$/ {ok=1} END {exit !ok}'\'''
for g in video render input; do
  if getent group "$g" >/dev/null; then
    check "lobbykiosk is in group $g" bash -c "id -nG lobbykiosk | tr ' ' '\n' | grep -qx $g"
  fi
done
check "/var/lib/lobbykiosk is lobbykiosk's, mode 750" bash -c '[ "$(stat -c "%U:%G %a" /var/lib/lobbykiosk)" = "lobbykiosk:lobbykiosk 750" ]'
check "the service is enabled for boot (graphical.target.wants)" \
  bash -c '[ "$(readlink /etc/systemd/system/graphical.target.wants/lobbykiosk.service)" = /lib/systemd/system/lobbykiosk.service ]'
check "systemd-analyze verify accepts the installed unit" systemd-analyze verify --man=no /lib/systemd/system/lobbykiosk.service
check "the hub's unit is installed but not enabled" bash -c '[ -f /lib/systemd/system/lobbykiosk-hub.service ] && [ ! -e /etc/systemd/system/multi-user.target.wants/lobbykiosk-hub.service ]'
check "systemd-analyze verify accepts the installed hub unit" systemd-analyze verify --man=no /lib/systemd/system/lobbykiosk-hub.service

# ---------------------------------------------------------------- run
# The commands run with the unit's locale (see lobbykiosk.service).
export LANG=C.UTF-8
version=$(dpkg-deb -f "$deb" Version)
out=$(/usr/bin/lobbykiosk version 2>&1)
if [ "$out" = "lobbykiosk $version" ]; then pass "lobbykiosk version says $version"; else fail "lobbykiosk version says $version" "$out"; fi
check "lobbykiosk check --config /etc/lobbykiosk/kiosk.toml" /usr/bin/lobbykiosk check --config /etc/lobbykiosk/kiosk.toml
# content runs as the service's user: it must read the config and the demo
# and write its state directory, as the kiosk will. The first run reads the
# demo files into the cache in /var/lib/lobbykiosk (file sources: no
# network); --offline then shows what that cache alone holds.
shows_posts() { # shows_posts DESCRIPTION ARGS...
  local desc=$1 out shown
  shift
  if ! out=$($sudo runuser -u lobbykiosk -- env LANG=C.UTF-8 /usr/bin/lobbykiosk content --config /etc/lobbykiosk/kiosk.toml "$@" 2>&1); then
    fail "$desc" "$out"
    return
  fi
  shown=$(sed -nE 's/^POSTS \(([0-9]+) shown of ([0-9]+)\).*/\1/p' <<<"$out")
  if [ "${shown:-0}" -gt 0 ] && ! grep -qiE 'permission denied|temporary state dir' <<<"$out"; then
    pass "$desc: $shown posts shown"
  else
    fail "$desc" "$(head -n 40 <<<"$out")"
  fi
}
shows_posts "lobbykiosk content, as user lobbykiosk, reads the demo feeds"
shows_posts "lobbykiosk content --offline, as user lobbykiosk, shows them from the cache" --offline
check "the cache files are lobbykiosk's" bash -c '[ -z "$(find /var/lib/lobbykiosk ! -user lobbykiosk)" ] && [ -n "$(find /var/lib/lobbykiosk -type f)" ]'
# The hub, as the service's user, with no display at all: it serves the demo
# feeds to kiosks that present its token, and nothing to anyone else.
hubdir=$(mktemp -d "${TMPDIR:-/tmp}/lobbykiosk-hub-XXXXXX")
chmod 0755 "$hubdir"
port=$((20000 + RANDOM % 20000))
cat >"$hubdir/hub.toml" <<HUB
name = "test-deb hub"
state_dir = "$hubdir/state"
[[source]]
name = "demo"
kind = "posts"
path = "/usr/share/lobbykiosk/demo/posts/mastodon.rss"
[hub]
listen = "127.0.0.1:$port"
tokens = ["test-deb-token-0123456789"]
HUB
mkdir -p "$hubdir/state"
$sudo chown -R lobbykiosk: "$hubdir"
# A moderator for the console, added by root: the file is the hub user's, 0600.
check "lobbykiosk admin set-password --moderator (as root) adds a moderator" bash -c \
  "printf 'tern lobby window 42\ntern lobby window 42\n' | /usr/bin/lobbykiosk admin set-password --moderator 'Test Moderator' --config '$hubdir/hub.toml'"
check "the moderators file is lobbykiosk's, mode 600" bash -c "[ \"\$(stat -c '%U %a' '$hubdir/state/moderators')\" = 'lobbykiosk 600' ]"
$sudo runuser -u lobbykiosk -- env -u DISPLAY -u WAYLAND_DISPLAY -u XAUTHORITY LANG=C.UTF-8 LANGUAGE=en \
  /usr/bin/lobbykiosk hub --config "$hubdir/hub.toml" >"$tmp/hub.log" 2>&1 &
hubpid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"ok"' && break
  sleep 0.2
done
check "the packaged hub runs with no display and answers /healthz" bash -c "curl -fsS http://127.0.0.1:$port/healthz | grep -q '\"ok\"'"
check "the hub refuses its content without the fleet token" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/content/posts.json)\" = 401 ]"
check "the hub serves its posts to the fleet token" bash -c "curl -fsS -H 'Authorization: Bearer test-deb-token-0123456789' http://127.0.0.1:$port/content/posts.json | grep -q jsonfeed.org/version/1.1"
check "the hub's console asks the moderator's name" bash -c "curl -fsS http://127.0.0.1:$port/signin | grep -q 'id=\"name\"'"
kill "$hubpid" 2>/dev/null
wait "$hubpid" 2>/dev/null
check "the hub logged no error" bash -c "! grep -E 'level=ERROR|panic' '$tmp/hub.log'"
$sudo rm -rf "$hubdir"
# Every script: posts in Chinese, Japanese, Arabic and Hebrew are drawable
# with the fonts apt brought (none held back), and render at 1080p and in
# portrait with the installed binary.
for p in fonts-noto-core fonts-noto-cjk; do
  check "apt installed $p with the package" bash -c "dpkg-query -W -f='\${Status}' $p | grep -qx 'install ok installed'"
done
mkdir -p "$tmp/scripts"
cat >"$tmp/scripts/posts.rss" <<'RSS'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Offices</title><link>https://social.example/</link>
<item><guid>zh</guid><link>https://social.example/zh</link><pubDate>Fri, 20 Nov 2026 09:00:00 +0000</pubDate><author>王小明</author>
<description>我们今天在上海开设了新办公室，欢迎大家！下周五下午四点举行开幕酒会。</description></item>
<item><guid>ja</guid><link>https://social.example/ja</link><pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate><author>山田 花子</author>
<description>東京オフィスの新しいカフェが今日オープンしました。「毎朝のコーヒーが楽しみです」。</description></item>
<item><guid>ar</guid><link>https://social.example/ar</link><pubDate>Fri, 20 Nov 2026 11:00:00 +0000</pubDate><author>مريم الحسيني</author>
<description>أطلقنا اليوم مكتبنا الجديد في دبي! شكرًا لفريقنا على ١٢ أسبوعًا من العمل.</description></item>
<item><guid>he</guid><link>https://social.example/he</link><pubDate>Fri, 20 Nov 2026 12:00:00 +0000</pubDate><author>נועה כהן</author>
<description>בשבוע שעבר אספנו 212 ק״ג של מזון לבנק המזון!</description></item>
</channel></rss>
RSS
printf 'state_dir = "state"\nlanguage = "ar"\n[moderation]\nmax_age = "87600h"\n[[source]]\nname = "offices"\nkind = "posts"\npath = "posts.rss"\n' >"$tmp/scripts/kiosk.toml"
if out=$(/usr/bin/lobbykiosk content --config "$tmp/scripts/kiosk.toml" 2>&1) && grep -q '^POSTS (4 shown of 4)' <<<"$out"; then
  pass "content shows the Chinese, Japanese, Arabic and Hebrew posts, none held back for a font"
else
  fail "content shows the Chinese, Japanese, Arabic and Hebrew posts" "$out"
fi
for size in 1920x1080 1080x1920; do
  if out=$(/usr/bin/lobbykiosk render --config "$tmp/scripts/kiosk.toml" --out "$tmp/scripts/$size" --size "$size" 2>&1) &&
    [ "$(find "$tmp/scripts/$size" -name 'post-*.png' | wc -l)" -eq 4 ]; then
    pass "render draws the four posts at $size with the installed binary"
  else
    fail "render draws the four posts at $size" "$out"
  fi
done
# LOBBYKIOSK_DEB_RENDERS=DIR keeps the renders to look at.
[ -z "${LOBBYKIOSK_DEB_RENDERS:-}" ] || { mkdir -p "$LOBBYKIOSK_DEB_RENDERS" && cp -r "$tmp/scripts/." "$LOBBYKIOSK_DEB_RENDERS/"; }


# The admin password: its hash goes to a file only the kiosk's user may read,
# never into the world-readable config.
check "the packaged kiosk.toml sets no password_hash" bash -c '! grep -qE "^[[:space:]]*password_hash" /etc/lobbykiosk/kiosk.toml'
check "lobbykiosk admin set-password (as root) writes the hash" bash -c \
  'printf "tern lobby window 42\ntern lobby window 42\n" | /usr/bin/lobbykiosk admin set-password --config /etc/lobbykiosk/kiosk.toml'
check "the password file is lobbykiosk's, mode 600" bash -c '[ "$(stat -c "%U:%G %a" /var/lib/lobbykiosk/admin-password)" = "lobbykiosk:lobbykiosk 600" ]'
check "another user cannot read the password file" bash -c '! runuser -u nobody -- cat /var/lib/lobbykiosk/admin-password >/dev/null 2>&1'
check "the config still holds no password_hash, and stays 644" bash -c \
  '! grep -qE "^[[:space:]]*password_hash" /etc/lobbykiosk/kiosk.toml && [ "$(stat -c %a /etc/lobbykiosk/kiosk.toml)" = 644 ]'
check "lobbykiosk admin says where the password is" bash -c \
  '/usr/bin/lobbykiosk admin --config /etc/lobbykiosk/kiosk.toml | grep -q "Password:    set; its hash is in /var/lib/lobbykiosk/admin-password (mode 0600, owner lobbykiosk)"'
code=0
out=$(/usr/bin/lobbykiosk service status 2>&1) || code=$?
case "$code" in
  0 | 3) pass "service status: $out (exit $code)" ;;
  *) fail "service status is running or stopped (exit 0 or 3)" "exit $code: $out" ;;
esac

# A changed conffile survives reinstalling the package.
echo '# changed by test-deb.sh' | $sudo tee -a /etc/lobbykiosk/kiosk.toml >/dev/null
if $sudo dpkg -i "$deb" >"$tmp/reinstall.log" 2>&1; then
  pass "reinstalling over the installed package works"
else
  fail "reinstalling over the installed package" "$(tail -n 20 "$tmp/reinstall.log")"
fi
check "the admin's change to kiosk.toml survived" grep -qx '# changed by test-deb.sh' /etc/lobbykiosk/kiosk.toml

# ---------------------------------------------------------------- remove, purge
start=$SECONDS
check "dpkg -r lobbykiosk" $sudo dpkg -r lobbykiosk
check "after remove: the binary is gone" bash -c '[ ! -e /usr/bin/lobbykiosk ]'
check "after remove: the config stays" test -f /etc/lobbykiosk/kiosk.toml
check "dpkg --purge lobbykiosk" $sudo dpkg --purge lobbykiosk
for p in /usr/bin/lobbykiosk /etc/lobbykiosk /var/lib/lobbykiosk /lib/systemd/system/lobbykiosk.service \
  /lib/systemd/system/lobbykiosk-hub.service /var/lib/lobbykiosk-hub \
  /etc/systemd/system/lobbykiosk.service /etc/systemd/system/graphical.target.wants/lobbykiosk.service \
  /usr/share/lobbykiosk /usr/share/doc/lobbykiosk /usr/share/applications/lobbykiosk.desktop \
  /usr/share/icons/hicolor/512x512/apps/lobbykiosk.png /var/lib/systemd/deb-systemd-helper-enabled/lobbykiosk.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-enabled/lobbykiosk-hub.service.dsh-also; do
  check "after purge: no $p" bash -c "[ ! -e '$p' ] && [ ! -L '$p' ]"
done
check "after purge: no user lobbykiosk" bash -c '! getent passwd lobbykiosk'
check "after purge: no group lobbykiosk" bash -c '! getent group lobbykiosk'
check "after purge: dpkg no longer knows lobbykiosk" bash -c "! dpkg-query -W -f='\${Status}' lobbykiosk 2>/dev/null | grep -q installed"
say "remove and purge took $((SECONDS - start)) s"
finish
