// The dunning domain's door: what the read model, the application layer and later contexts may use.
export { DunningAction, DunningStep } from './dunning-process';
export {
  CreateDunningProcess,
  DunningProcessCommand,
  dunningProcessDecider,
  DunningProcessDefined,
  DunningProcessEvent,
  DunningProcessState,
  dunningProcessStream,
  DunningProcessVersion,
  ReviseDunningProcess,
} from './dunning-process.decider';
export {
  CreateDunningGroup,
  DunningGroup,
  DunningGroupCommand,
  DunningGroupCreated,
  dunningGroupDecider,
  DunningGroupDefinition,
  DunningGroupEvent,
  DunningGroupReplaced,
  DunningGroupState,
  dunningGroupStream,
  ReplaceDunningGroup,
} from './dunning-group.decider';
export { DunningTarget, MatchableGroup, matchDunningGroup, specificity } from './group-matching';
export { BUILT_IN_STATUSES, BUILT_IN_TEMPLATES, mentionedTemplates, parseSteps, stepOffsets, StepVocabulary } from './steps';
