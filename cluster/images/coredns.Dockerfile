# Cluster DNS image: the static CoreDNS binary built from cluster/coredns.
FROM scratch
COPY coredns /coredns
USER 65532:65532
ENTRYPOINT ["/coredns"]
