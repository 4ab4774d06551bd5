# syntax=docker/dockerfile:1
# PluginHost in a container: the SDK image builds the host, every built-in plugin and the scripts' ML.NET libraries;
# the ASP.NET runtime image runs them as a non-root user. Build: docker build -t pluginhost .
# Run: docker run -p 9090:9090 -v models:/data/models pluginhost   (or docker compose up: docs/operations.md)
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY . .
# Publishing the host builds the plugins into artifacts/plugins and the scripts' ML.NET into artifacts/script-libs.
RUN dotnet publish host/PluginHost/PluginHost.csproj -c Release -o /out/app -p:UseAppHost=false \
 && mkdir -p /out/data/models \
 && cp -r artifacts/plugins /out/data/plugins \
 && cp -r scripts /out/data/scripts \
 && cp -r artifacts/script-libs /out/app/script-libs

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
# The ocr backend calls libtesseract (English data); nothing else is native beyond what the plugins bring.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libtesseract5 tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /out/app /app
# Named volumes start as copies of these folders: the built-in plugins and example scripts are there on first run.
COPY --from=build --chown=$APP_UID /out/data /data
ENV PORT=9090 \
    HOST=0.0.0.0 \
    MODEL_DIR=/data/models \
    PLUGINS_DIR=/data/plugins \
    SCRIPTS_DIR=/data/scripts
# The image's unprivileged user (UID 1654), never root.
USER $APP_UID
VOLUME ["/data/models", "/data/plugins", "/data/scripts"]
EXPOSE 9090
# The host probes itself (GET /health with the basic-auth credentials when set): no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["dotnet", "/app/PluginHost.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/PluginHost.dll"]
