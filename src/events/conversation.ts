/**
 * The parts of a conversation that `post_call_transcription` sends beside the transcript:
 * `metadata`, `analysis` and `conversation_initiation_client_data`.
 *
 * Source: the official JS SDK, @elevenlabs/elevenlabs-js 2.73, wire types
 * (`serialization/types/*.d.ts`, `Raw` interfaces), each named beside its schema. `?:` there is
 * optional here and `| null` nullable; what the SDK marks as always present stays optional (house
 * rules, common.ts). Closed sets of strings in the SDK (statuses, sources, LLM names…) are plain
 * strings here, their values in the description: a value added after 2.73 must still pass.
 */
import { Type, type Static, type TObject, type TOptional, type TNull, type TUnion, type TBoolean } from '@sinclair/typebox'
import { LooseObject, Nullable } from './common.js'
import { LlmUsage } from './transcript.js'

/** When the conversation's data is (or was) deleted. */
export const ConversationDeletionSettings = Type.Object({
  deletion_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the conversation is scheduled for deletion' }))),
  deleted_logs_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the logs were deleted' }))),
  deleted_audio_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the audio was deleted' }))),
  deleted_transcript_at_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the transcript was deleted' }))),
  delete_transcript_and_pii: Type.Optional(Nullable(Type.Boolean({ description: 'Whether transcript and PII are deleted' }))),
  delete_audio: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the audio is deleted' })))
}, { title: 'Deletion settings', description: 'Retention of the conversation data (SDK: ConversationDeletionSettings)' })

/** Feedback on the whole conversation. */
export const ConversationFeedback = Type.Object({
  type: Type.Optional(Nullable(Type.String({ description: 'Feedback kind; known values: thumbs, rating' }))),
  overall_score: Type.Optional(Nullable(Type.String({ description: 'known values: like, dislike' }))),
  likes: Type.Optional(Nullable(Type.Number({ description: 'Number of liked turns' }))),
  dislikes: Type.Optional(Nullable(Type.Number({ description: 'Number of disliked turns' }))),
  rating: Type.Optional(Nullable(Type.Number({ description: 'Rating given by the user' }))),
  comment: Type.Optional(Nullable(Type.String({ description: 'Comment left by the user' })))
}, { title: 'Conversation feedback', description: 'User feedback on the conversation (SDK: ConversationHistoryFeedbackCommonModel)' })

const NumberMap = (description: string) => Type.Record(Type.String(), Type.Number(), { description })

/** Price and charge of the post-call analysis. */
const AnalysisCost = {
  price: Type.Optional(Nullable(Type.Number({ description: 'Price' }))),
  charge: Type.Optional(Nullable(Type.Number({ description: 'Charge' }))),
  price_per_feature: Type.Optional(Nullable(NumberMap('Price by analysis feature'))),
  charge_per_feature: Type.Optional(Nullable(NumberMap('Charge by analysis feature')))
}

/** What the conversation cost and how it was charged. */
export const ConversationCharging = Type.Object({
  dev_discount: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the development discount applied' }))),
  is_burst: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the call ran over the concurrency limit (burst pricing)' }))),
  tier: Type.Optional(Nullable(Type.String({ description: 'Subscription tier charged' }))),
  llm_usage: Type.Optional(Nullable(Type.Object({
    irreversible_generation: Type.Optional(Nullable(LlmUsage)),
    initiated_generation: Type.Optional(Nullable(LlmUsage))
  }, { title: 'LLM category usage', description: 'LLM usage by category (SDK: LlmCategoryUsage)' }))),
  llm_price: Type.Optional(Nullable(Type.Number({ description: 'LLM price' }))),
  llm_charge: Type.Optional(Nullable(Type.Number({ description: 'LLM charge' }))),
  call_charge: Type.Optional(Nullable(Type.Number({ description: 'Call charge' }))),
  platform_charge: Type.Optional(Nullable(Type.Number({ description: 'Platform charge' }))),
  platform_usage: Type.Optional(Nullable(Type.Object({
    category_usage: Type.Optional(Nullable(Type.Record(Type.String(), Type.Object({
      credits: Type.Optional(Nullable(Type.Number({ description: 'Credits used' }))),
      price: Type.Optional(Nullable(Type.Number({ description: 'Price' }))),
      quantity: Type.Optional(Nullable(Type.Number({ description: 'Quantity used' })))
    }, { title: 'Platform category usage', description: 'Usage of one platform category (SDK: PlatformCategoryUsage)' }), { description: 'Usage by category' })))
  }, { title: 'Platform usage', description: 'Platform usage (SDK: PlatformUsage)' }))),
  platform_price: Type.Optional(Nullable(Type.Number({ description: 'Platform price' }))),
  free_minutes_consumed: Type.Optional(Nullable(Type.Number({ description: 'Free minutes consumed' }))),
  free_llm_dollars_consumed: Type.Optional(Nullable(Type.Number({ description: 'Free LLM dollars consumed' }))),
  tts_usage: Type.Optional(Nullable(Type.Object({
    primary_tts_model: Type.Optional(Nullable(Type.String({ description: 'Main TTS model used' }))),
    total_audio_output_seconds: Type.Optional(Nullable(Type.Number({ description: 'Seconds of audio produced' }))),
    total_characters: Type.Optional(Nullable(Type.Number({ description: 'Characters synthesized' }))),
    per_voice_usage: Type.Optional(Nullable(Type.Array(Type.Object({
      voice_id: Type.Optional(Type.String({ description: 'The voice' })),
      audio_output_seconds: Type.Optional(Nullable(Type.Number({ description: 'Seconds of audio it produced' })))
    }, { title: 'Voice usage', description: 'Usage of one voice (SDK: ConversationVoiceUsageModel)' }), { description: 'Usage by voice' })))
  }, { title: 'TTS usage', description: 'Text to speech usage (SDK: ConversationTtsUsageModel)' }))),
  asr_usage: Type.Optional(Nullable(Type.Object({
    asr_model: Type.Optional(Nullable(Type.String({ description: 'Speech recognition model used' }))),
    total_transcription_calls: Type.Optional(Nullable(Type.Number({ description: 'Transcription calls made' }))),
    total_audio_input_seconds: Type.Optional(Nullable(Type.Number({ description: 'Seconds of audio transcribed' })))
  }, { title: 'ASR usage', description: 'Speech recognition usage (SDK: ConversationAsrUsageModel)' }))),
  analysis: Type.Optional(Nullable(Type.Object({
    total: Type.Optional(Type.Object({
      ...AnalysisCost,
      runs: Type.Optional(Nullable(Type.Number({ description: 'Analysis runs' })))
    }, { title: 'Analysis running total', description: 'All analysis runs so far (SDK: AnalysisRunningTotal)' })),
    last_run: Type.Optional(Type.Object(AnalysisCost, { title: 'Analysis run', description: 'The last analysis run (SDK: AnalysisRunSnapshot)' }))
  }, { title: 'Analysis charging', description: 'What the post-call analysis cost (SDK: AnalysisCharging)' })))
}, { title: 'Conversation charging', description: 'Charging details (SDK: ConversationChargingCommonModel)' })

/** The phone call behind the conversation (Twilio, SIP trunk or Exotel). */
export const ConversationPhoneCall = Type.Object({
  type: Type.Optional(Type.String({ description: 'Telephony provider; known values: twilio, sip_trunking, exotel' })),
  direction: Type.Optional(Type.String({ description: 'known values: inbound, outbound' })),
  phone_number_id: Type.Optional(Type.String({ description: 'ElevenLabs ID of the agent phone number' })),
  agent_number: Type.Optional(Type.String({ description: 'The agent phone number' })),
  external_number: Type.Optional(Type.String({ description: 'The caller / callee phone number' })),
  call_result: Type.Optional(Nullable(Type.String({ description: 'known values: answered, voicemail, busy, no_answer, failed' }))),
  stream_sid: Type.Optional(Type.String({ description: 'Provider stream ID (Twilio, Exotel)' })),
  call_sid: Type.Optional(Type.String({ description: 'Provider call ID' })),
  call_id: Type.Optional(Nullable(Type.String({ description: 'SIP call ID (SIP trunking)' }))),
  sip_header_dynamic_variables: Type.Optional(Nullable(Type.Record(Type.String(), Type.String(), { description: 'Dynamic variables taken from SIP headers' })))
}, {
  title: 'Phone call',
  description: 'Telephony details (SDK: ConversationHistory{Twilio,SipTrunking,Exotel}PhoneCallModel)'
})

/** The batch call this conversation belongs to. */
export const ConversationBatchCall = Type.Object({
  batch_call_id: Type.Optional(Type.String({ description: 'Batch call ID' })),
  batch_call_recipient_id: Type.Optional(Type.String({ description: 'Recipient ID within the batch' })),
  campaign: Type.Optional(Nullable(Type.Object({
    campaign_id: Type.Optional(Type.String({ description: 'The campaign' })),
    campaign_lead_id: Type.Optional(Type.String({ description: 'The lead called' })),
    cold_attempt: Type.Optional(Nullable(Type.Number({ description: 'Attempt number for a cold lead' }))),
    conversation_type: Type.Optional(Nullable(Type.String({ description: 'known values: initial, retry, callback, redirect' })))
  }, { title: 'Campaign', description: 'Campaign information (SDK: BatchCallingCampaignInformation)' })))
}, { title: 'Batch call', description: 'Batch-call details (SDK: ConversationHistoryBatchCallModel)' })

/** The error that ended the conversation, if any. */
export const ConversationError = Type.Object({
  code: Type.Optional(Type.Number({ description: 'Error code' })),
  reason: Type.Optional(Nullable(Type.String({ description: 'Error reason' })))
}, { title: 'Conversation error', description: 'Error details (SDK: ConversationHistoryErrorCommonModel)' })

type FeatureStatus = TUnion<[TObject<{
  enabled: TOptional<TUnion<[TBoolean, TNull]>>
  used: TOptional<TUnion<[TBoolean, TNull]>>
}>, TNull]>

/** Whether a feature was enabled and used (SDK: FeatureStatusCommonModel). */
function featureStatus (feature: string): FeatureStatus {
  return Nullable(Type.Object({
    enabled: Type.Optional(Nullable(Type.Boolean({ description: `Whether ${feature} was enabled` }))),
    used: Type.Optional(Nullable(Type.Boolean({ description: `Whether ${feature} was used` })))
  }, { title: 'Feature status', description: `Status of ${feature}` }))
}

/** Which platform features the conversation used. */
export const FeaturesUsage = Type.Object({
  language_detection: Type.Optional(featureStatus('language detection')),
  transfer_to_agent: Type.Optional(featureStatus('transfer to agent')),
  transfer_to_number: Type.Optional(featureStatus('transfer to number')),
  multivoice: Type.Optional(featureStatus('multi-voice')),
  dtmf_tones: Type.Optional(featureStatus('DTMF tones')),
  external_mcp_servers: Type.Optional(featureStatus('external MCP servers')),
  pii_zrm_workspace: Type.Optional(Nullable(Type.Boolean({ description: 'Whether zero retention mode was on for the workspace' }))),
  pii_zrm_agent: Type.Optional(Nullable(Type.Boolean({ description: 'Whether zero retention mode was on for the agent' }))),
  tool_dynamic_variable_updates: Type.Optional(featureStatus('dynamic variable updates by tools')),
  is_livekit: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the conversation ran on LiveKit' }))),
  voicemail_detection: Type.Optional(featureStatus('voicemail detection')),
  dtmf_input: Type.Optional(featureStatus('DTMF input')),
  workflow: Type.Optional(Nullable(Type.Object({
    enabled: Type.Optional(Nullable(Type.Boolean({ description: 'Whether a workflow was enabled' }))),
    tool_node: Type.Optional(featureStatus('tool nodes')),
    standalone_agent_node: Type.Optional(featureStatus('standalone agent nodes')),
    phone_number_node: Type.Optional(featureStatus('phone number nodes')),
    end_node: Type.Optional(featureStatus('end nodes')),
    override_agent_node: Type.Optional(featureStatus('override agent nodes'))
  }, { title: 'Workflow features usage', description: 'Workflow features used (SDK: WorkflowFeaturesUsageCommonModel)' }))),
  agent_testing: Type.Optional(Nullable(Type.Object({
    enabled: Type.Optional(Nullable(Type.Boolean({ description: 'Whether agent tests exist' }))),
    tests_ran_after_last_modification: Type.Optional(Nullable(Type.Boolean({ description: 'Whether tests ran after the last change' }))),
    tests_ran_in_last_7_days: Type.Optional(Nullable(Type.Boolean({ description: 'Whether tests ran in the last 7 days' })))
  }, { title: 'Agent testing usage', description: 'Agent testing (SDK: TestsFeatureUsageCommonModel)' }))),
  versioning: Type.Optional(featureStatus('versioning')),
  file_input: Type.Optional(featureStatus('file input')),
  freeform_procedure: Type.Optional(featureStatus('free-form procedures')),
  structured_procedure: Type.Optional(featureStatus('structured procedures'))
}, { title: 'Features usage', description: 'Platform features used (SDK: FeaturesUsageCommonModel)' })

/** A conversation over an asynchronous channel (delivered to an external system). */
export const AsyncConversationMetadata = Type.Object({
  delivery_status: Type.Optional(Type.String({ description: 'known values: pending, success, failed' })),
  delivery_timestamp: Type.Optional(Type.Number({ description: 'When it was delivered' })),
  delivery_error: Type.Optional(Nullable(Type.String({ description: 'Why delivery failed' }))),
  external_system: Type.Optional(Type.String({ description: 'The external system' })),
  external_id: Type.Optional(Type.String({ description: 'ID in the external system' })),
  external_link: Type.Optional(Nullable(Type.String({ description: 'Link in the external system' }))),
  retry_count: Type.Optional(Nullable(Type.Number({ description: 'Delivery retries' }))),
  last_retry_timestamp: Type.Optional(Nullable(Type.Number({ description: 'When delivery was last retried' }))),
  last_processed_external_message_id: Type.Optional(Nullable(Type.String({ description: 'Last external message processed' })))
}, { title: 'Async conversation metadata', description: 'Delivery to an external system (SDK: AsyncConversationMetadata)' })

/** Call timing, cost and phone details. */
export const ConversationMetadata = Type.Object({
  start_time_unix_secs: Type.Optional(Type.Number({ description: 'When the conversation started (unix seconds)' })),
  accepted_time_unix_secs: Type.Optional(Nullable(Type.Number({ description: 'When the call was accepted (unix seconds)' }))),
  call_duration_secs: Type.Optional(Type.Number({ description: 'Call duration in seconds' })),
  queue_wait_secs: Type.Optional(Nullable(Type.Number({ description: 'Seconds spent in the concurrency queue (excluded from the duration)' }))),
  cost: Type.Optional(Nullable(Type.Number({ description: 'Cost of the conversation, in credits' }))),
  deletion_settings: Type.Optional(Nullable(ConversationDeletionSettings)),
  feedback: Type.Optional(Nullable(ConversationFeedback)),
  authorization_method: Type.Optional(Nullable(Type.String({
    description: 'How the conversation was authorized; known values: invalid, public, authorization_header, signed_url, shareable_link, livekit_token, livekit_token_website, genesys_api_key, avaya_api_key, audiocodes_api_key, whatsapp, sms'
  }))),
  charging: Type.Optional(Nullable(ConversationCharging)),
  phone_call: Type.Optional(Nullable(ConversationPhoneCall)),
  batch_call: Type.Optional(Nullable(ConversationBatchCall)),
  termination_reason: Type.Optional(Nullable(Type.String({ description: 'Why the conversation ended (free text, may be empty)' }))),
  error: Type.Optional(Nullable(ConversationError)),
  warnings: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Warnings raised during the conversation' }))),
  main_language: Type.Optional(Nullable(Type.String({ description: 'Main language of the conversation' }))),
  rag_usage: Type.Optional(Nullable(Type.Object({
    usage_count: Type.Optional(Type.Number({ description: 'Knowledge-base retrievals made' })),
    embedding_model: Type.Optional(Type.String({ description: 'Embedding model used' }))
  }, { title: 'RAG usage', description: 'Knowledge-base (RAG) usage (SDK: ConversationHistoryRagUsageCommonModel)' }))),
  text_only: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the conversation was text only' }))),
  features_usage: Type.Optional(Nullable(FeaturesUsage)),
  eleven_assistant: Type.Optional(Nullable(Type.Object({
    is_eleven_assistant: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the agent is the ElevenLabs assistant' })))
  }, { title: 'Eleven assistant', description: 'ElevenLabs assistant details (SDK: ConversationHistoryElevenAssistantCommonModel)' }))),
  initiator_id: Type.Optional(Nullable(Type.String({ description: 'Who initiated the conversation' }))),
  conversation_initiation_source: Type.Optional(Nullable(Type.String({
    description: 'Where the conversation was started from; known values include unknown, js_sdk, python_sdk, react_sdk, widget, sip_trunk, twilio, exotel, whatsapp…'
  }))),
  conversation_initiation_source_version: Type.Optional(Nullable(Type.String({ description: 'Version of the initiating SDK or integration' }))),
  timezone: Type.Optional(Nullable(Type.String({ description: 'Timezone of the conversation' }))),
  async_metadata: Type.Optional(Nullable(AsyncConversationMetadata)),
  whatsapp: Type.Optional(Nullable(Type.Object({
    direction: Type.Optional(Nullable(Type.String({ description: 'known values: inbound, outbound, unknown' }))),
    whatsapp_phone_number_id: Type.Optional(Nullable(Type.String({ description: 'The agent\'s WhatsApp number' }))),
    whatsapp_user_id: Type.Optional(Type.String({ description: 'The user\'s WhatsApp ID' })),
    awaiting_first_user_message: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the user has not written yet' }))),
    recipient: Type.Optional(Nullable(Type.Object({
      phone: Type.Optional(Nullable(Type.String({ description: 'Phone number' }))),
      bsuid: Type.Optional(Nullable(Type.String({ description: 'Business-scoped user ID' })))
    }, { title: 'WhatsApp recipient', description: 'Who the conversation is with (SDK: WhatsAppRecipient)' })))
  }, { title: 'WhatsApp conversation', description: 'WhatsApp details (SDK: WhatsAppConversationInfo)' }))),
  sms: Type.Optional(Nullable(Type.Object({
    direction: Type.Optional(Type.String({ description: 'known values: inbound, outbound' })),
    phone_number_id: Type.Optional(Nullable(Type.String({ description: 'ElevenLabs ID of the agent phone number' }))),
    sms_user_phone_number: Type.Optional(Type.String({ description: 'The user\'s phone number' })),
    agent_phone_number: Type.Optional(Nullable(Type.String({ description: 'The agent\'s phone number' })))
  }, { title: 'SMS conversation', description: 'SMS details (SDK: SmsConversationInfo)' }))),
  agent_created_from: Type.Optional(Nullable(Type.String({ description: 'Where the agent was created; known values: cli, ui, api, template, unknown' }))),
  agent_last_updated_from: Type.Optional(Nullable(Type.String({ description: 'Where the agent was last updated; known values: cli, ui, api, template, unknown' }))),
  voice_rewards: Type.Optional(Nullable(Type.Array(Type.Object({
    voice_id: Type.Optional(Type.String({ description: 'The voice' })),
    reward_usd_cents: Type.Optional(Type.Number({ description: 'Reward to its owner, in US cents' }))
  }, { title: 'Voice reward', description: 'A reward to a voice owner (SDK: ConversationVoiceRewardModel)' }), { description: 'Rewards to the owners of the voices used' }))),
  cost_fiat: Type.Optional(Nullable(Type.Number({ description: 'Total fiat cost in USD' })))
}, { title: 'Conversation metadata', description: 'Call timing, costs and phone details (SDK: ConversationHistoryMetadataCommonModel)' })
export type ConversationMetadata = Static<typeof ConversationMetadata>

/** The result of one evaluation criterion. */
export const EvaluationCriteriaResult = Type.Object({
  criteria_id: Type.Optional(Type.String({ description: 'The criterion evaluated' })),
  result: Type.Optional(Type.String({ description: 'known values: success, failure, unknown' })),
  rationale: Type.Optional(Type.String({ description: 'Why the evaluator decided so' })),
  scoring_mode: Type.Optional(Nullable(Type.String({ description: 'known values: binary, numeric_uniform' }))),
  score: Type.Optional(Nullable(Type.Number({ description: 'Numeric score (numeric scoring)' }))),
  max_score: Type.Optional(Nullable(Type.Number({ description: 'Maximum score (numeric scoring)' })))
}, { title: 'Evaluation criteria result', description: 'Result of one success criterion (SDK: ConversationHistoryEvaluationCriteriaResultCommonModel)' })

/** How a data collection item is described to the extracting LLM. */
export const DataCollectionSchema = Type.Object({
  type: Type.Optional(Type.Union([
    Type.String({ description: 'known values: boolean, string, integer, number' }),
    Type.Array(Type.String(), { description: 'Several types' })
  ], { description: 'Type of the value' })),
  description: Type.Optional(Nullable(Type.String({ description: 'What to extract' }))),
  enum: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Allowed values' }))),
  is_system_provided: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the system provides the value' }))),
  dynamic_variable: Type.Optional(Nullable(Type.String({ description: 'Dynamic variable the value comes from' }))),
  allowed_values: Type.Optional(Nullable(Type.Object({
    dynamic_variable: Type.Optional(Type.String({ description: 'Dynamic variable holding the allowed values' }))
  }, { title: 'Allowed values', description: 'Where the allowed values come from (SDK: AllowedValues)' }))),
  allowed_values_dynamic_variable: Type.Optional(Nullable(Type.String({ description: 'Dynamic variable holding the allowed values' }))),
  constant_value: Type.Optional(Nullable(Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: 'A constant value' }))),
  is_omitted: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the item is left out' })))
}, { title: 'Data collection schema', description: 'The schema a value was extracted with (SDK: LiteralJsonSchemaProperty)' })

/** One value extracted from the conversation by data collection. */
export const DataCollectionResult = Type.Object({
  data_collection_id: Type.Optional(Type.String({ description: 'The data collection item' })),
  name: Type.Optional(Nullable(Type.String({ description: 'Display name of the item' }))),
  value: Type.Optional(Type.Unknown({ description: 'The extracted value (any JSON value, null when nothing was found)' })),
  json_schema: Type.Optional(Nullable(DataCollectionSchema)),
  rationale: Type.Optional(Type.String({ description: 'Why this value was extracted' }))
}, { title: 'Data collection result', description: 'One extracted data item (SDK: DataCollectionResultCommonModel)' })

const EvaluationResults = Type.Record(Type.String(), EvaluationCriteriaResult, { description: 'Results by criterion ID' })
const DataCollectionResults = Type.Record(Type.String(), DataCollectionResult, { description: 'Extracted data by item ID' })

/** The analysis of one agent's part of the conversation (conversations that visit several agents). */
export const ScopedAnalysisResult = Type.Object({
  scope: Type.Optional(Type.String({ description: 'known values: conversation, agent' })),
  source_agent_id: Type.Optional(Type.String({ description: 'The agent analysed' })),
  source_branch_id: Type.Optional(Nullable(Type.String({ description: 'Its branch' }))),
  evaluation_criteria_results: Type.Optional(Nullable(EvaluationResults)),
  data_collection_results: Type.Optional(Nullable(DataCollectionResults)),
  successful: Type.Optional(Type.String({ description: 'Outcome; known values: success, failure, unknown' })),
  success_score: Type.Optional(Nullable(Type.Number({ description: 'Numeric success score' })))
}, { title: 'Scoped analysis result', description: 'Analysis of one scope (SDK: ScopedAnalysisResult)' })

/** Evaluation results and summary of the conversation. */
export const ConversationAnalysis = Type.Object({
  evaluation_criteria_results: Type.Optional(Nullable(EvaluationResults)),
  data_collection_results: Type.Optional(Nullable(DataCollectionResults)),
  evaluation_criteria_results_list: Type.Optional(Nullable(Type.Array(EvaluationCriteriaResult, { description: 'Results as a list' }))),
  data_collection_results_list: Type.Optional(Nullable(Type.Array(DataCollectionResult, { description: 'Extracted data as a list' }))),
  call_successful: Type.Optional(Type.String({ description: 'Overall outcome; known values: success, failure, unknown' })),
  call_success_score: Type.Optional(Nullable(Type.Number({ description: 'Numeric success score' }))),
  transcript_summary: Type.Optional(Type.String({ description: 'Summary of the conversation' })),
  call_summary_title: Type.Optional(Nullable(Type.String({ description: 'Short title of the conversation' }))),
  scoped: Type.Optional(Nullable(Type.Array(ScopedAnalysisResult, { description: 'Analysis per agent or scope' })))
}, { title: 'Conversation analysis', description: 'Evaluation results and summary (SDK: ConversationHistoryAnalysisCommonModel)' })
export type ConversationAnalysis = Static<typeof ConversationAnalysis>

const OptionalNumber = (description: string) => Type.Optional(Nullable(Type.Number({ description })))

/** The agent's prompt, LLM and tools, as overridden for this conversation. */
export const PromptOverride = Type.Object({
  prompt: Type.Optional(Nullable(Type.String({ description: 'System prompt' }))),
  llm: Type.Optional(Nullable(Type.String({ description: 'LLM used, e.g. gpt-4o-mini, gemini-2.5-flash, claude-sonnet-4-5, custom-llm…' }))),
  tool_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Tools available' }))),
  tool_ids_strict: Type.Optional(Nullable(Type.Boolean({ description: 'Whether only these tools are available' }))),
  native_mcp_server_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'MCP servers available' }))),
  knowledge_base: Type.Optional(Nullable(Type.Array(Type.Object({
    type: Type.Optional(Type.String({ description: 'known values: file, url, text, folder' })),
    name: Type.Optional(Type.String({ description: 'Document name' })),
    id: Type.Optional(Type.String({ description: 'Document ID' })),
    usage_mode: Type.Optional(Nullable(Type.String({ description: 'known values: prompt, auto' })))
  }, { title: 'Knowledge base locator', description: 'A knowledge-base document (SDK: KnowledgeBaseLocator)' }), { description: 'Knowledge-base documents' })))
}, { title: 'Prompt override', description: 'Prompt overrides (SDK: PromptAgentApiModelOverrideOutput)' })

/** Voice settings shared by the TTS override and its supported voices. */
const VoiceSettings = {
  stability: OptionalNumber('Voice stability'),
  speed: OptionalNumber('Speech speed'),
  similarity_boost: OptionalNumber('Similarity boost')
}

/** Overrides of the agent configuration sent when the conversation started. */
export const ConversationConfigOverride = Type.Object({
  agent: Type.Optional(Nullable(Type.Object({
    first_message: Type.Optional(Nullable(Type.String({ description: 'First message of the agent' }))),
    language: Type.Optional(Nullable(Type.String({ description: 'Language of the conversation' }))),
    max_conversation_duration_message: Type.Optional(Nullable(Type.String({ description: 'Message said when the maximum duration is reached' }))),
    prompt: Type.Optional(Nullable(PromptOverride))
  }, { title: 'Agent override', description: 'Agent overrides (SDK: AgentConfigOverrideOutput)' }))),
  tts: Type.Optional(Nullable(Type.Object({
    model_id: Type.Optional(Nullable(Type.String({ description: 'TTS model, e.g. eleven_flash_v2_5' }))),
    voice_id: Type.Optional(Nullable(Type.String({ description: 'Voice used' }))),
    supported_voices: Type.Optional(Nullable(Type.Array(Type.Object({
      label: Type.Optional(Type.String({ description: 'Label the agent switches by' })),
      voice_id: Type.Optional(Type.String({ description: 'The voice' })),
      description: Type.Optional(Nullable(Type.String({ description: 'When to use it' }))),
      language: Type.Optional(Nullable(Type.String({ description: 'Its language' }))),
      model_family: Type.Optional(Nullable(Type.String({ description: 'known values: turbo, flash, multilingual, v3_conversational, v4, v4_turbo' }))),
      optimize_streaming_latency: OptionalNumber('Streaming latency optimization level'),
      ...VoiceSettings
    }, { title: 'Supported voice', description: 'A voice the agent may switch to (SDK: SupportedVoice)' }), { description: 'Voices the agent may switch to' }))),
    ...VoiceSettings,
    pronunciation_dictionary_locators: Type.Optional(Nullable(Type.Array(Type.Object({
      pronunciation_dictionary_id: Type.Optional(Type.String({ description: 'The dictionary' })),
      version_id: Type.Optional(Nullable(Type.String({ description: 'Its version' })))
    }, { title: 'Pronunciation dictionary locator', description: 'A pronunciation dictionary (SDK: PydanticPronunciationDictionaryVersionLocator)' }), { description: 'Pronunciation dictionaries' })))
  }, { title: 'TTS override', description: 'Text to speech overrides (SDK: TtsConversationalConfigOverride)' }))),
  asr: Type.Optional(Nullable(Type.Object({
    keywords: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Keywords to bias recognition towards' })))
  }, { title: 'ASR override', description: 'Speech recognition overrides (SDK: AsrConversationalConfigOverride)' }))),
  turn: Type.Optional(Nullable(Type.Object({
    soft_timeout_config: Type.Optional(Nullable(Type.Object({
      message: Type.Optional(Nullable(Type.String({ description: 'Said when the user is silent' }))),
      additional_soft_timeout_messages: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Further messages' })))
    }, { title: 'Soft timeout override', description: 'Soft timeout overrides (SDK: SoftTimeoutConfigOverride)' })))
  }, { title: 'Turn override', description: 'Turn-taking overrides (SDK: TurnConfigOverride)' }))),
  conversation: Type.Optional(Nullable(Type.Object({
    text_only: Type.Optional(Nullable(Type.Boolean({ description: 'Whether the conversation is text only' }))),
    max_duration_seconds: OptionalNumber('Maximum duration in seconds')
  }, { title: 'Conversation override', description: 'Conversation overrides (SDK: ConversationConfigOverride)' })))
}, { title: 'Conversation config override', description: 'Per-conversation overrides (SDK: ConversationConfigClientOverrideOutput)' })

/** What the client sent when it started the conversation. */
export const ConversationInitiationClientData = Type.Object({
  conversation_config_override: Type.Optional(Nullable(ConversationConfigOverride)),
  custom_llm_extra_body: Type.Optional(Nullable(LooseObject({ description: 'Extra body passed to a custom LLM' }))),
  user_id: Type.Optional(Nullable(Type.String({ description: 'User identifier passed by the client' }))),
  source_info: Type.Optional(Nullable(Type.Object({
    source: Type.Optional(Nullable(Type.String({ description: 'Initiating SDK or integration (values as metadata.conversation_initiation_source)' }))),
    version: Type.Optional(Nullable(Type.String({ description: 'Its version' })))
  }, { title: 'Source info', description: 'Where the conversation was started from (SDK: ConversationInitiationSourceInfo)' }))),
  branch_id: Type.Optional(Nullable(Type.String({ description: 'Agent branch requested' }))),
  environment: Type.Optional(Nullable(Type.String({ description: 'Environment requested' }))),
  starting_workflow_node_id: Type.Optional(Nullable(Type.String({ description: 'Workflow node to start from' }))),
  procedure_ids: Type.Optional(Nullable(Type.Array(Type.String(), { description: 'Procedures available' }))),
  dynamic_variables: Type.Optional(Nullable(LooseObject({ description: 'Dynamic variables, by name' })))
}, { title: 'Conversation initiation client data', description: 'Configuration overrides and dynamic variables (SDK: ConversationInitiationClientDataRequestOutput)' })
export type ConversationInitiationClientData = Static<typeof ConversationInitiationClientData>
