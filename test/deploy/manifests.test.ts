import { readFileSync } from 'node:fs';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { gatewayEnv } from '@sendcode/gateway';
import { parseEnv } from '@sendcode/runtime';
import { workersEnv } from '@sendcode/workers';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type KubeObject, kustomize, ofKind, podLabels, quantity, selects, validate } from './render.ts';

/** What each role's container must satisfy: its config schema, and the probes it serves. */
const ROLES = {
  gateway: { schema: gatewayEnv, portVar: 'PORT', hostVar: 'HOST', ready: '/readyz', live: '/healthz' },
  workers: {
    schema: workersEnv,
    portVar: 'WORKERS_METRICS_PORT',
    hostVar: 'WORKERS_HOST',
    ready: '/healthz',
    live: '/healthz',
  },
} as const;
type Role = keyof typeof ROLES;

/** Variables that hold a secret (or a password inside a URL): only ever from a Secret. */
const SECRET_VARS = new Set([
  'REDIS_URL',
  'SENDCODE_SECRET',
  'SENDCODE_PREVIOUS_SECRETS',
  'SENDCODE_API_KEYS',
  'SMTP_URL',
  'TWILIO_AUTH_TOKEN',
  'VONAGE_API_SECRET',
  'VONAGE_PRIVATE_KEY',
  'VONAGE_SIGNATURE_SECRET',
  'DKIM_PRIVATE_KEY',
]);

/** Stand-ins for the required keys of the Secret, to boot each role's config schema on the rest. */
const SECRET_STAND_INS: Record<string, string> = {
  REDIS_URL: 'redis://redis:6379',
  SENDCODE_SECRET: 's'.repeat(32),
  SENDCODE_API_KEYS: JSON.stringify([{ name: 'acme', key: 'k'.repeat(24), scopes: ['verify'] }]),
};

/** The job names the dashboards and alerts select on. */
const SCRAPE_JOBS = (
  parse(readFileSync('grafana/prometheus/prometheus.yml', 'utf8')) as {
    scrape_configs: { job_name: string }[];
  }
).scrape_configs.map((job) => job.job_name);

const roleOf = (container: IContainer): Role => {
  const role = container.args?.[0];
  if (role !== 'gateway' && role !== 'workers') throw new Error(`container ${container.name} runs ${role}`);
  return role;
};
const containersOf = (deployment: IDeployment) => deployment.spec?.template.spec?.containers ?? [];

/** The environment a container boots with: its ConfigMaps, its values, and stand-ins for its required secrets. */
function bootEnv(container: IContainer, configMaps: readonly IConfigMap[]): Record<string, string> {
  const data = (name: string | undefined) => {
    const found = configMaps.find((cm) => cm.metadata?.name === name);
    if (found === undefined)
      throw new Error(`${container.name} reads ConfigMap ${name}, which is not rendered`);
    return found.data ?? {};
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? [])
    if (from.configMapRef) Object.assign(env, data(from.configMapRef.name));
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (ref?.configMapKeyRef)
      env[entry.name] = data(ref.configMapKeyRef.name)[ref.configMapKeyRef.key] ?? '';
    else if (ref?.secretKeyRef && ref.secretKeyRef.optional !== true) {
      const standIn = SECRET_STAND_INS[ref.secretKeyRef.key];
      if (standIn === undefined) throw new Error(`no stand-in for required secret ${ref.secretKeyRef.key}`);
      env[entry.name] = standIn;
    }
  }
  return env;
}

describe.each([
  ['base', 'deploy/kubernetes/base'],
  ['production', 'deploy/kubernetes/overlays/production'],
])('kubernetes manifests: %s', (overlay, dir) => {
  const objects: KubeObject[] = kustomize(dir);
  const deployments = ofKind<IDeployment>(objects, 'Deployment');
  const configMaps = ofKind<IConfigMap>(objects, 'ConfigMap');
  const containers = deployments.flatMap(containersOf);
  const deploymentOf = (role: Role) => {
    const found = deployments.filter((d) => containersOf(d).some((c) => roleOf(c) === role));
    expect(found, `one Deployment runs ${role}`).toHaveLength(1);
    return found[0] as IDeployment;
  };
  /** The one Deployment whose pods a selector picks. */
  const pickedBy = (what: string, selector: Record<string, string> | undefined) => {
    const picked = deployments.filter((d) => selects(selector, podLabels(d)));
    expect(picked, `${what} selects the pods of exactly one Deployment`).toHaveLength(1);
    return picked[0] as IDeployment;
  };
  /** A pod's ports, by name and by number: either may be what a probe, Service or policy names. */
  const portsOf = (deployment: IDeployment) =>
    containersOf(deployment).flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));

  it('renders objects that each validate against the schema of their kind', () => {
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'HorizontalPodAutoscaler',
        'PodMonitor',
      ]),
    );
    for (const object of objects) {
      expect(() => validate(object), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('the schemas refuse a broken object (so the check above can fail)', () => {
    const broken = structuredClone(deploymentOf('gateway')) as unknown as KubeObject & IDeployment;
    (broken.spec as { replicas: unknown }).replicas = 'three';
    expect(() => validate(broken)).toThrow(/replicas/);
    const noContainers = structuredClone(deploymentOf('workers')) as unknown as KubeObject;
    (noContainers.spec as { template: { spec: { containers: unknown } } }).template.spec.containers =
      'workers';
    expect(() => validate(noContainers)).toThrow();
  });

  it('runs one gateway and one workers Deployment, each selecting its own pods', () => {
    for (const role of Object.keys(ROLES) as Role[]) {
      const deployment = deploymentOf(role);
      expect(selects(deployment.spec?.selector.matchLabels, podLabels(deployment))).toBe(true);
    }
    expect(deployments).toHaveLength(2);
  });

  it('probes every container: readiness and liveness over HTTP on a port it declares', () => {
    for (const container of containers) {
      const role = ROLES[roleOf(container)];
      const ports = (container.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
      for (const [probe, path] of [
        [container.readinessProbe, role.ready],
        [container.livenessProbe, role.live],
      ] as const) {
        expect(probe?.httpGet?.path, `${container.name} probe`).toBe(path);
        expect(ports, `${container.name} probe port`).toContain(probe?.httpGet?.port);
      }
    }
  });

  it('gives every container CPU and memory requests and limits, requests within limits', () => {
    for (const container of containers) {
      const { requests, limits } = container.resources ?? {};
      for (const resource of ['cpu', 'memory'] as const) {
        const request = requests?.[resource];
        const limit = limits?.[resource];
        expect(request, `${container.name} ${resource} request`).toBeDefined();
        expect(limit, `${container.name} ${resource} limit`).toBeDefined();
        expect(quantity(request as string)).toBeLessThanOrEqual(quantity(limit as string));
      }
    }
  });

  it('runs every container as non-root, unprivileged, on a read-only root with a writable /tmp', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec?.template.spec;
      for (const container of containersOf(deployment)) {
        const context = { ...pod?.securityContext, ...container.securityContext };
        expect(context.runAsNonRoot, container.name).toBe(true);
        expect(context.runAsUser, container.name).toBeGreaterThan(0);
        expect(container.securityContext?.allowPrivilegeEscalation, container.name).toBe(false);
        expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
        expect(container.securityContext?.capabilities?.drop, container.name).toContain('ALL');
        expect(context.seccompProfile?.type, container.name).toBe('RuntimeDefault');
        const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(
          pod?.volumes?.find((v) => v.name === tmp?.name)?.emptyDir,
          `${container.name} /tmp`,
        ).toBeDefined();
      }
    }
  });

  it('renders no Secret with values: secrets come from the Secret the operator creates', () => {
    for (const secret of ofKind<ISecret>(objects, 'Secret')) {
      expect(secret.data ?? secret.stringData, `Secret ${secret.metadata?.name}`).toBeUndefined();
    }
    for (const cm of configMaps) {
      expect(
        Object.keys(cm.data ?? {}).filter((key) => SECRET_VARS.has(key)),
        cm.metadata?.name,
      ).toEqual([]);
    }
    for (const container of containers) {
      for (const entry of container.env ?? []) {
        if (SECRET_VARS.has(entry.name)) {
          expect(entry.value, `${container.name} ${entry.name}`).toBeUndefined();
          expect(entry.valueFrom?.secretKeyRef?.name, `${container.name} ${entry.name}`).toBe('sendcode');
        }
      }
      for (const from of container.envFrom ?? []) expect(from.configMapRef ?? from.secretRef).toBeDefined();
    }
  });

  it('sets only variables the app reads, and the result passes its config schema', () => {
    for (const container of containers) {
      const role = ROLES[roleOf(container)];
      const known = new Set(Object.keys(role.schema.shape));
      for (const entry of container.env ?? []) expect(known, `${container.name} sets`).toContain(entry.name);
      const env = bootEnv(container, configMaps);
      const config = parseEnv(role.schema, env) as Record<string, unknown>;
      // Bound to loopback, the probes (from the kubelet) and the Services could not reach it.
      expect(config[role.hostVar], `${container.name} ${role.hostVar}`).toBe('0.0.0.0');
      expect(container.ports?.map((p) => p.containerPort)).toContain(config[role.portVar]);
    }
    for (const cm of configMaps) {
      const readers = containers.filter((c) =>
        c.envFrom?.some((f) => f.configMapRef?.name === cm.metadata?.name),
      );
      const known = new Set(readers.flatMap((c) => Object.keys(ROLES[roleOf(c)].schema.shape)));
      for (const key of Object.keys(cm.data ?? {})) expect(known, `ConfigMap key ${key}`).toContain(key);
    }
  });

  it('gives the workers longer to stop than a job lock lasts, and every pod more than its preStop', () => {
    const workers = containersOf(deploymentOf('workers'))[0] as IContainer;
    const lockSeconds = parseEnv(workersEnv, bootEnv(workers, configMaps)).WORKER_LOCK_MS / 1000;
    const grace = deploymentOf('workers').spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
    expect(grace).toBeGreaterThanOrEqual(lockSeconds + 10);
    for (const deployment of deployments) {
      const spec = deployment.spec?.template.spec;
      const preStop = Math.max(
        0,
        ...containersOf(deployment).map((c) => c.lifecycle?.preStop?.sleep?.seconds ?? 0),
      );
      expect(spec?.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(preStop + 10);
    }
  });

  it('autoscales the gateway Deployment on CPU, leaving its replica count to the autoscaler', () => {
    const hpas = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
    expect(hpas).toHaveLength(1);
    const hpa = hpas[0] as IHorizontalPodAutoscaler;
    const gateway = deploymentOf('gateway');
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: gateway.metadata?.name,
    });
    expect(hpa.spec?.metrics?.map((m) => [m.resource?.name, m.resource?.target.type])).toContainEqual([
      'cpu',
      'Utilization',
    ]);
    expect(hpa.spec?.minReplicas ?? 1).toBeGreaterThanOrEqual(overlay === 'production' ? 3 : 2);
    expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 1);
    expect(gateway.spec?.replicas).toBeUndefined();
  });

  it('covers every Deployment with a PodDisruptionBudget whose selector matches its pods', () => {
    const pdbs = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget');
    const covered = pdbs.map((pdb) => pickedBy(`PDB ${pdb.metadata?.name}`, pdb.spec?.selector?.matchLabels));
    expect(new Set(covered)).toEqual(new Set(deployments));
  });

  it('points Services, PodMonitors and NetworkPolicies at pods and ports that exist', () => {
    for (const service of ofKind<IService>(objects, 'Service')) {
      const target = pickedBy(`Service ${service.metadata?.name}`, service.spec?.selector);
      for (const port of service.spec?.ports ?? []) expect(portsOf(target)).toContain(port.targetPort);
    }
    const scraped = ofKind<IPodMonitor>(objects, 'PodMonitor').flatMap((monitor) => {
      const target = pickedBy(`PodMonitor ${monitor.metadata?.name}`, monitor.spec.selector.matchLabels);
      return (monitor.spec.podMetricsEndpoints ?? []).map((endpoint) => {
        expect(portsOf(target)).toContain(endpoint.port);
        expect(endpoint.path ?? '/metrics').toBe('/metrics');
        const job = endpoint.relabelings?.find((r) => r.targetLabel === 'job')?.replacement;
        return { job, deployment: target };
      });
    });
    expect(scraped.map((s) => s.job).sort()).toEqual([...SCRAPE_JOBS].sort());
    expect(new Set(scraped.map((s) => s.deployment))).toEqual(new Set(deployments));
    for (const policy of ofKind<INetworkPolicy>(objects, 'NetworkPolicy')) {
      const target = pickedBy(
        `NetworkPolicy ${policy.metadata?.name}`,
        policy.spec?.podSelector?.matchLabels,
      );
      for (const rule of policy.spec?.ingress ?? []) {
        for (const port of rule.ports ?? []) expect(portsOf(target)).toContain(port.port);
      }
    }
  });
});

describe('kubernetes manifests: production overlay', () => {
  const objects = kustomize('deploy/kubernetes/overlays/production');
  const deployments = ofKind<IDeployment>(objects, 'Deployment');

  it('pins the image, runs three workers, and keeps everything in its namespace', () => {
    for (const container of deployments.flatMap(containersOf)) {
      expect(container.image).toMatch(/:[\w.-]+$/);
      expect(container.image).not.toMatch(/:latest$/);
    }
    const workers = deployments.find((d) => containersOf(d).some((c) => roleOf(c) === 'workers'));
    expect(workers?.spec?.replicas).toBe(3);
    const namespace = ofKind<KubeObject>(objects, 'Namespace')[0]?.metadata.name;
    expect(namespace).toBeDefined();
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(namespace);
    }
  });
});
