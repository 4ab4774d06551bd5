#!/usr/bin/env bash
# `dotnet new ls-plugin`: packs PluginHost.Sdk into a local folder feed (the template's default --sdk-feed) and
# installs ./plugin-template. Idempotent: an installed copy of the template is replaced.
set -euo pipefail
cd "$(dirname "$0")/../.."

feed="${PLUGINHOST_SDK_FEED:-$HOME/.pluginhost/sdk-feed}"
mkdir -p "$feed"
dotnet pack host/PluginHost.Sdk -c Release -o "$feed" -v quiet -nologo
echo "PluginHost.Sdk packed into $feed"

# The package keeps its version across rebuilds: drop the cached copy so the next restore takes the fresh one.
version=$(dotnet msbuild host/PluginHost.Sdk/PluginHost.Sdk.csproj -getProperty:Version)
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/pluginhost.sdk/$version"

template="$PWD/plugin-template"
dotnet new uninstall "$template" >/dev/null 2>&1 || true
dotnet new install "$template"
if [[ "$feed" != "$HOME/.pluginhost/sdk-feed" ]]; then
  echo "note: pass --sdk-feed $feed to dotnet new ls-plugin (the default is \$HOME/.pluginhost/sdk-feed)"
fi
