#!/usr/bin/env bash
# nlds-bijwerken.sh — haalt de NL Design System-stijl van RVO (ROOS) opnieuw op
# uit het npm-register en zet precies de bestanden die de pagina's nodig hebben
# in crates/vhf/static/nlds/. Daarna worden de versieregels in
# crates/vhf/static/nlds/README.md herschreven.
#
# Gebruik:
#   scripts/nlds-bijwerken.sh            # nieuwste @nl-rvo/component-library-css
#   scripts/nlds-bijwerken.sh 4.12.1     # precies deze versie
#   NLDS_TOKENS_VERSIE=1.12.0 scripts/nlds-bijwerken.sh 4.12.1
#                                        # tokens-versie zelf kiezen (standaard: de
#                                        # versie waartegen de componenten gebouwd zijn)
#
# Dit script is NIET nodig bij build of run: de bestanden staan in git en de
# server leest ze van schijf, zonder netwerk en zonder CDN. Alleen wie de
# gevendorde stijl wil bijwerken draait dit, met toegang tot het npm-register.
# Nodig: npm en node (alleen `npm view` / `npm pack`), tar, sha256sum, awk.
#
# Bewust NIET gekopieerd: lettertypen (RijksoverheidSans/Serif, niet open
# gelicentieerd), het Rijkslogo en de iconen uit @nl-rvo/assets, .map-bestanden,
# JS/SCSS/JSON-varianten en de losse componentbestanden. Zie README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOEL="$ROOT/crates/vhf/static/nlds"
README="$DOEL/README.md"

COMP_PKG="@nl-rvo/component-library-css"
TOKENS_PKG="@nl-rvo/design-tokens"
NORMALIZE_PKG="modern-normalize"
# Bron van de EUPL-1.2-licentietekst voor de utrecht-*-delen in de bundel.
# De tekst zelf verandert niet; daarom een vaste versie.
EUPL_PKG="@utrecht/button-css"
EUPL_VERSIE="2.1.0"

fout() { echo "nlds-bijwerken: $*" >&2; exit 1; }

command -v npm >/dev/null || fout "npm niet gevonden"
command -v node >/dev/null || fout "node niet gevonden"
[ -f "$README" ] || fout "$README ontbreekt (nodig voor de versieregels)"
grep -q '<!-- nlds-versies:begin -->' "$README" || fout "markering nlds-versies:begin ontbreekt in README.md"
grep -q '<!-- nlds-versies:end -->' "$README" || fout "markering nlds-versies:end ontbreekt in README.md"

# Versie van de componenten: argument, anders de nieuwste uit het register.
COMP_VERSIE="${1:-}"
if [ -z "$COMP_VERSIE" ]; then
  COMP_VERSIE="$(npm view "$COMP_PKG" version)"
fi

WERK="$(mktemp -d)"
trap 'rm -rf "$WERK"' EXIT

# pak <pakket> <versie> <map>: `npm pack` (controleert de integriteit tegen het
# register) en uitpakken in $WERK/<map>/package/.
pak() {
  local pkg="$1" ver="$2" map="$3" tgz
  mkdir -p "$WERK/$map"
  tgz="$(cd "$WERK" && npm pack --silent "$pkg@$ver" --pack-destination "$WERK/$map")"
  tar -xzf "$WERK/$map/$tgz" -C "$WERK/$map"
  [ -d "$WERK/$map/package" ] || fout "onverwachte inhoud in $pkg@$ver"
}

# json <bestand> <js-expressie op p>: lees een veld uit package.json.
json() { node -e 'const p=require(process.argv[1]); const v=('"$2"'); process.stdout.write(v==null?"":String(v));' "$1"; }

echo "Ophalen: $COMP_PKG@$COMP_VERSIE"
pak "$COMP_PKG" "$COMP_VERSIE" comp
COMP_JSON="$WERK/comp/package/package.json"
COMP_LICENTIE="$(json "$COMP_JSON" 'p.license')"
[ "$COMP_LICENTIE" = "CC0-1.0" ] || fout "licentie van $COMP_PKG is nu '$COMP_LICENTIE' (was CC0-1.0): eerst opnieuw beoordelen"

# Tokens: standaard de versie waartegen deze componentversie gebouwd is.
TOKENS_VERSIE="${NLDS_TOKENS_VERSIE:-$(json "$COMP_JSON" '(p.devDependencies||{})["'"$TOKENS_PKG"'"]')}"
[ -n "$TOKENS_VERSIE" ] || fout "geen tokens-versie gevonden; zet NLDS_TOKENS_VERSIE"
NORMALIZE_VERSIE="$(json "$COMP_JSON" '(p.dependencies||{})["'"$NORMALIZE_PKG"'"]')"
[ -n "$NORMALIZE_VERSIE" ] || fout "geen $NORMALIZE_PKG-versie in $COMP_PKG/package.json"

echo "Ophalen: $TOKENS_PKG@$TOKENS_VERSIE, $NORMALIZE_PKG@$NORMALIZE_VERSIE, $EUPL_PKG@$EUPL_VERSIE (licentietekst)"
pak "$TOKENS_PKG" "$TOKENS_VERSIE" tokens
pak "$NORMALIZE_PKG" "$NORMALIZE_VERSIE" normalize
pak "$EUPL_PKG" "$EUPL_VERSIE" eupl
TOKENS_LICENTIE="$(json "$WERK/tokens/package/package.json" 'p.license')"
NORMALIZE_LICENTIE="$(json "$WERK/normalize/package/package.json" 'p.license')"

BUNDEL="$WERK/comp/package/dist/index.css"
TOKENS="$WERK/tokens/package/dist/index.css"
[ -f "$BUNDEL" ] || fout "dist/index.css ontbreekt in $COMP_PKG@$COMP_VERSIE"
[ -f "$TOKENS" ] || fout "dist/index.css ontbreekt in $TOKENS_PKG@$TOKENS_VERSIE"

# Controles vóór het kopiëren: geen lettertypen/afbeeldingen van buiten,
# en het thema moet er nog zijn.
for css in "$BUNDEL" "$TOKENS"; do
  if grep -qi '@font-face' "$css"; then fout "$(basename "$(dirname "$(dirname "$css")")"): bevat @font-face; lettertypen horen hier niet"; fi
  if grep -oiE 'url\([^)]*\)' "$css" | grep -viqE "^url\([\"']?data:"; then
    fout "$css verwijst via url() naar een extern bestand; eerst beoordelen"
  fi
  if grep -qiE '@import|https?://[^ ]*\.(woff2?|ttf|otf|svg|png)' "$css"; then fout "$css laadt iets van buiten"; fi
done
grep -q '^\.rvo-theme {' "$TOKENS" || fout "themaklasse .rvo-theme niet gevonden in de tokens"
grep -q '^\.rvo-theme {' "$BUNDEL" || fout "themaklasse .rvo-theme niet gevonden in de bundel"

# Kopiëren: precies deze zes bestanden, niets anders.
mkdir -p "$DOEL/component-library-css" "$DOEL/design-tokens"
install -m 0644 "$BUNDEL"                                 "$DOEL/component-library-css/index.css"
install -m 0644 "$WERK/comp/package/LICENSE.md"           "$DOEL/component-library-css/LICENSE.md"
install -m 0644 "$WERK/eupl/package/LICENSE.md"           "$DOEL/component-library-css/LICENSE-EUPL-1.2.md"
install -m 0644 "$WERK/normalize/package/license"         "$DOEL/component-library-css/LICENSE-modern-normalize.txt"
install -m 0644 "$TOKENS"                                 "$DOEL/design-tokens/index.css"
install -m 0644 "$WERK/tokens/package/LICENSE.md"         "$DOEL/design-tokens/LICENSE.md"

# Versieregels in README.md herschrijven (alles tussen de twee markeringen).
integriteit() { npm view "$1@$2" dist.integrity; }
BLOK="$WERK/blok.md"
{
  echo "| Pakket | Versie | Licentie (package.json) | npm-integriteit |"
  echo "| --- | --- | --- | --- |"
  echo "| \`$COMP_PKG\` | $COMP_VERSIE | $COMP_LICENTIE | \`$(integriteit "$COMP_PKG" "$COMP_VERSIE")\` |"
  echo "| \`$TOKENS_PKG\` | $TOKENS_VERSIE | $TOKENS_LICENTIE | \`$(integriteit "$TOKENS_PKG" "$TOKENS_VERSIE")\` |"
  echo "| \`$NORMALIZE_PKG\` (zit in de bundel) | $NORMALIZE_VERSIE | $NORMALIZE_LICENTIE | alleen licentietekst |"
  echo "| \`$EUPL_PKG\` | $EUPL_VERSIE | EUPL-1.2 | alleen licentietekst |"
} > "$BLOK"
awk -v blok="$BLOK" '
  /<!-- nlds-versies:begin -->/ { print; while ((getline regel < blok) > 0) print regel; binnen = 1; next }
  /<!-- nlds-versies:end -->/   { binnen = 0 }
  !binnen { print }
' "$README" > "$WERK/README.md"
install -m 0644 "$WERK/README.md" "$README"

echo "Klaar. Bestanden in $DOEL:"
(cd "$DOEL" && for f in component-library-css/index.css component-library-css/LICENSE.md \
    component-library-css/LICENSE-EUPL-1.2.md component-library-css/LICENSE-modern-normalize.txt \
    design-tokens/index.css design-tokens/LICENSE.md; do
  printf '  %8s  %s  %s\n' "$(wc -c < "$f")" "$(sha256sum "$f" | cut -c1-16)" "$f"
done)
echo "Controleer met: git diff --stat -- crates/vhf/static/nlds"
