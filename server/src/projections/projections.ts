import { intentsProjection } from './intentsProjection.js';
import { listsProjection } from './listsProjection.js';
import { merkleProjection } from './merkleProjection.js';
import type { Projection } from './Projection.js';

/** Every projection, in the order a catch-up applies them. */
export const PROJECTIONS: readonly Projection[] = [intentsProjection, merkleProjection, listsProjection];

export function projectionNamed(name: string): Projection | undefined {
  return PROJECTIONS.find((projection) => projection.name === name);
}
