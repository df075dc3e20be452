# sanet stylization service: build with the Swift toolchain, run on slim Debian.
#
#   docker build -t sanet .
#   docker run -p 8080:8080 -v /path/to/checkpoints:/weights:ro sanet
#
# The build steps are scripts/build-release.sh, which CI runs too (scripts/check-release.sh),
# and the runtime packages are deploy/runtime-packages.txt, which CI checks against the
# binary's shared libraries.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pkg-config libpng-dev libjpeg-dev libwebp-dev libopenblas-dev python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first, so that the dependencies are fetched once per Package.swift change.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN scripts/build-release.sh /stage

FROM ${RUNTIME_IMAGE}
COPY deploy/runtime-packages.txt /tmp/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(cat /tmp/runtime-packages.txt) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin sanet \
 && mkdir -p /weights && chown sanet /weights
# The binary finds its resource bundle (contract, web page, paintings, sample photos) next to itself.
COPY --from=build /stage/ /opt/sanet/
ENV SANET_WEIGHTS=/weights \
    SANET_HOST=0.0.0.0 \
    SANET_PORT=8080
USER 10001
EXPOSE 8080
VOLUME ["/weights"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${SANET_PORT}/healthz" || exit 1
ENTRYPOINT ["/opt/sanet/sanet"]
CMD ["serve"]
