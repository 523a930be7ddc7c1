# The node's sandbox image: our own pause program (cluster/pause), static.
FROM scratch
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
