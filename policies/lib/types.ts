/** Resource type tokens the policies look at. */
export const T = {
    container: "docker:index/container:Container",
    network: "docker:index/network:Network",
    volume: "docker:index/volume:Volume",
    remoteImage: "docker:index/remoteImage:RemoteImage",
    dockerImage: "docker:index/image:Image",
    service: "kubernetes:core/v1:Service",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    replicationController: "kubernetes:core/v1:ReplicationController",
    endpoints: "kubernetes:core/v1:Endpoints",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    randomPassword: "random:index/randomPassword:RandomPassword",
    randomString: "random:index/randomString:RandomString",
    randomBytes: "random:index/randomBytes:RandomBytes",
    randomId: "random:index/randomId:RandomId",
    randomUuid: "random:index/randomUuid:RandomUuid",
    randomInteger: "random:index/randomInteger:RandomInteger",
    randomPet: "random:index/randomPet:RandomPet",
    tlsPrivateKey: "tls:index/privateKey:PrivateKey",
} as const;

/** Kubernetes objects that carry a pod template. */
export const K8S_WORKLOADS: readonly string[] = [T.deployment, T.statefulSet, T.job, T.cronJob];

/** Every Kubernetes object that runs containers (bare Pods and every controller). */
export const K8S_POD_CARRIERS: readonly string[] = [...K8S_WORKLOADS, T.pod, T.daemonSet, T.replicaSet, T.replicationController];

/**
 * Resources that generate a value which may become a credential, and the
 * output that holds it.
 */
export const GENERATORS: Readonly<Record<string, string>> = {
    [T.randomPassword]: "result",
    [T.randomString]: "result",
    [T.randomBytes]: "base64",
    [T.randomId]: "hex",
    [T.randomUuid]: "result",
    [T.tlsPrivateKey]: "privateKeyPem",
};

/** Outputs of a generator that carry (an encoding of) its value. */
export const GENERATOR_OUTPUTS: readonly string[] = ["result", "hex", "b64Std", "b64Url", "base64", "dec", "privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"];

/** Gateway API route kinds (any version): their backendRefs are reachable through a Gateway. */
export function isGatewayRoute(type: string): boolean {
    return /^kubernetes:gateway\.networking\.k8s\.io\/v[0-9a-z]+:(HTTP|GRPC|TCP|TLS|UDP)Route$/.test(type);
}

/** Long-running Kubernetes workloads (probes, availability). */
export const K8S_LONG_RUNNING: readonly string[] = [T.deployment, T.statefulSet];

/** Everything that runs a container, on either platform. */
export const CONTAINER_CARRIERS: readonly string[] = [...K8S_WORKLOADS, T.container];

export const LABEL = {
    name: "app.kubernetes.io/name",
    instance: "app.kubernetes.io/instance",
    component: "app.kubernetes.io/component",
    partOf: "app.kubernetes.io/part-of",
    managedBy: "app.kubernetes.io/managed-by",
    version: "app.kubernetes.io/version",
    environment: "webstack.dev/environment",
    dbClient: "webstack.dev/db-client",
    cacheClient: "webstack.dev/cache-client",
    service: "webstack.dev/service",
    credential: "webstack.dev/credential",
} as const;

export const KEEPER = {
    credential: "webstack.dev/credential",
    service: "webstack.dev/service",
    environment: "webstack.dev/environment",
    stack: "webstack.dev/stack",
    slot: "webstack.dev/slot",
    generation: "webstack.dev/generation",
    rotationPeriodDays: "webstack.dev/rotation-period-days",
    issuedAt: "webstack.dev/issued-at",
} as const;

export const ENVIRONMENTS = ["local", "review", "staging", "production"] as const;
