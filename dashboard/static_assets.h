// The dashboard's static files (dashboard/static/), embedded into the binary at build time by
// embed_assets.cmake, so the server never depends on its working directory.
#pragma once

#include <string_view>
#include <vector>

namespace fieldsync::dashboard {

struct StaticAsset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view bytes;
};

const std::vector<StaticAsset>& StaticAssets();

}  // namespace fieldsync::dashboard
