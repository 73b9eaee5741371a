import type { Kysely } from 'kysely';
import { AppError } from '../core/appError.ts';
import type { Database } from '../db/schema.ts';
import type { PortraitDefinitions } from '../portrait/portraitDefinitions.ts';
import type { VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import { ruleVocabulary, type RuleVocabulary } from '../rules/ruleVocabulary.ts';
import type { AssessmentModel } from './assessmentModel.ts';
import {
  activateModelVersion,
  activeModelRows,
  insertModelVersion,
  modelVersion,
  modelVersions,
  type ModelVersionRow,
} from './assessmentRepository.ts';
import { checkAssessmentModel, type ModelProblem } from './checkAssessmentModel.ts';
import { loadAssessmentModels } from './loadAssessmentModels.ts';

/** A model version in force: what a screening run assesses households with. */
export interface ActiveModel {
  model: AssessmentModel;
  version: number;
}

/** What a screening thread needs to build the same models: their definitions as stored. */
export interface ActiveModelSource {
  id: string;
  version: number;
  definition: unknown;
}

/** The model whose judgement rules read as `h.hardship_*`: the first active one that says so. */
export const discoveryModel = (models: readonly ActiveModel[]): AssessmentModel | null =>
  models.find((m) => m.model.discovery)?.model ?? null;

/** `id@version,…`: which models a run assessed with, and what its threads must hold. */
export const activeKey = (models: readonly { model: { id: string }; version: number }[]): string =>
  models.map((m) => `${m.model.id}@${String(m.version)}`).join(',');

/**
 * The assessment models of a database: every version as written, the active one of each model,
 * and the models shipped in `assessment/` added as version 1, active, the first time the
 * database is asked (a model someone has since edited keeps its versions). Compiled models are
 * cached by version: a version's definition never changes.
 */
export class AssessmentModels {
  private readonly vocabulary: RuleVocabulary;
  private readonly compiled = new Map<string, AssessmentModel>();
  private seeded: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly catalogue: VariableCatalogue,
    portrait: PortraitDefinitions,
    private readonly shipped: () => AssessmentModel[] = () => loadAssessmentModels(catalogue, portrait),
  ) {
    this.vocabulary = ruleVocabulary(catalogue, portrait);
  }

  /** Checks a definition without saving it: the model, or every problem with where it is. */
  check(definition: unknown): ReturnType<typeof checkAssessmentModel> {
    return checkAssessmentModel(definition, { vocabulary: this.vocabulary, catalogue: this.catalogue });
  }

  /** The active version of every model. */
  async active(): Promise<ActiveModel[]> {
    await this.seed();
    return (await activeModelRows(this.db)).map((row) => ({ model: this.build(row), version: row.version }));
  }

  /** The definitions behind `active()`, for a screening thread to build the same models. */
  static sources(models: readonly ActiveModel[]): ActiveModelSource[] {
    return models.map((m) => ({ id: m.model.id, version: m.version, definition: m.model.definition }));
  }

  async versions(id?: string): Promise<ModelVersionRow[]> {
    await this.seed();
    return modelVersions(this.db, id);
  }

  async version(id: string, version: number): Promise<{ row: ModelVersionRow; model: AssessmentModel }> {
    await this.seed();
    const row = await modelVersion(this.db, id, version);
    if (!row) throw new AppError('ASSESSMENT_MODEL_NOT_FOUND', { id: `${id}@${String(version)}` });
    return { row, model: this.build(row) };
  }

  /**
   * Saves a definition as the model's next version, a draft; a definition with any problem is
   * refused whole (ASSESSMENT_MODEL_INVALID, each problem with its path) and nothing is saved.
   */
  async saveDraft(definition: unknown, by: string): Promise<{ id: string; version: number }> {
    const checked = this.check(definition);
    if (checked.model === null) throw invalid(checked.problems);
    // The shipped version 1 first, so a user's edit of a shipped model is its version 2.
    await this.seed();
    const version = await this.insertDraft(checked.model, by, new Date().toISOString());
    return { id: checked.model.id, version };
  }

  private insertDraft(model: AssessmentModel, by: string, at: string): Promise<number> {
    return insertModelVersion(this.db, {
      id: model.id,
      name_zh: model.name.zh,
      name_en: model.name.en,
      definition_json: JSON.stringify(model.definition),
      status: 'draft',
      created_by: by,
      created_at: at,
      activated_by: null,
      activated_at: null,
    });
  }

  /**
   * Makes a version its model's active one. It is checked again first: the catalogue may have
   * changed since it was saved, and a model that no longer checks is never activated.
   */
  async activate(id: string, version: number, by: string): Promise<void> {
    const { row } = await this.version(id, version);
    const checked = this.check(JSON.parse(row.definition_json));
    if (checked.model === null) throw invalid(checked.problems);
    await activateModelVersion(this.db, id, version, by, new Date().toISOString());
  }

  private build(row: ModelVersionRow): AssessmentModel {
    const key = `${row.id}@${String(row.version)}`;
    let model = this.compiled.get(key);
    if (!model) {
      const checked = this.check(JSON.parse(row.definition_json));
      // A stored version that no longer checks (the catalogue changed under it) cannot judge
      // anyone: say which and why rather than assess with half a model.
      if (checked.model === null) throw invalid(checked.problems, key);
      model = checked.model;
      this.compiled.set(key, model);
    }
    return model;
  }

  private seed(): Promise<void> {
    this.seeded ??= (async () => {
      const present = new Set((await modelVersions(this.db)).map((r) => r.id));
      for (const model of this.shipped()) {
        if (present.has(model.id)) continue;
        const now = new Date().toISOString();
        const version = await this.insertDraft(model, 'system', now);
        await activateModelVersion(this.db, model.id, version, 'system', now);
      }
    })().catch((error: unknown) => {
      this.seeded = null;
      throw error;
    });
    return this.seeded;
  }
}

function invalid(problems: ModelProblem[], key?: string): AppError {
  return new AppError(
    'ASSESSMENT_MODEL_INVALID',
    { count: problems.length, ...(key ? { model: key } : {}) },
    problems.map(({ path, code, params }) => ({ path, code, ...(params ? { params } : {}) })),
  );
}
