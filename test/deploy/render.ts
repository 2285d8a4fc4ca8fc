import { execFileSync } from 'node:child_process';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization as `kubectl apply -k` would, offline, and checks every object against
 * the Kubernetes schema of its kind (kubernetes-models: the API's OpenAPI schemas compiled to
 * validators). Those schemas check types, enums and required fields, not unknown ones: the API
 * server is what refuses a misspelt field, so the rule tests look for the fields that matter.
 */

/** Every kind the manifests may hold; one outside this list fails the render. */
const MODELS = [
  ConfigMap,
  Namespace,
  Secret,
  Service,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
  PodMonitor,
] as const;

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string } & Record<string, unknown>;
  readonly [field: string]: unknown;
}

/** `kubectl kustomize <dir>` parsed; KUBECTL names another kubectl. */
export function kustomize(dir: string): KubeObject[] {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  let out: string;
  try {
    out = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `\`${kubectl} kustomize ${dir}\` failed (kubectl ≥ 1.27 must be on PATH): ${stderr || error}`,
    );
  }
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${dir} renders bad YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as KubeObject;
  });
}

/** Throws naming the object and the schema's complaints, or an object of a kind with no schema here. */
export function validate(object: KubeObject): void {
  const Model = MODELS.find((m) => m.apiVersion === object.apiVersion && m.kind === object.kind);
  if (Model === undefined)
    throw new Error(`no schema for ${object.apiVersion} ${object.kind}: add its model`);
  new Model(object as never).validate();
}

export const ofKind = <T>(objects: readonly KubeObject[], kind: string): T[] =>
  objects.filter((o) => o.kind === kind) as unknown as T[];

/** Labels on a Deployment's pods. */
export const podLabels = (deployment: IDeployment): Record<string, string> =>
  deployment.spec?.template.metadata?.labels ?? {};

/** Does a matchLabels selector pick these labels? */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A CPU or memory quantity in cores or bytes ("250m", "1", "512Mi", "1G"). */
export function quantity(value: string | number): number {
  const text = String(value);
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|Ki|Mi|Gi)?$/.exec(text);
  if (match === null) throw new Error(`not a quantity this test reads: ${text}`);
  const factor = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  const unit = match[2] as keyof typeof factor | undefined;
  return Number(match[1]) * (unit === undefined ? 1 : factor[unit]);
}
