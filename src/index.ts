/**
 * grantkit: Nylas-style grants, one-time codes, tokens and scope guards for Express and Koa.
 * This is the framework-agnostic core; the adapters live under grantkit/express, grantkit/koa,
 * grantkit/decorators and grantkit/passport, the stores under grantkit/stores/*.
 */

// The kit.
export { createGrantKit, GrantKit, type AppCaller, type AuthOutcome, type HealthReport } from './kit.js';
export type { GrantKitOptions, ClientOptions } from './kit/options.js';
export { notReadyResponse } from './not-ready.js';
export type { TransportLike } from './http/transport.js';
export type { RequestLike, ResponseDescriptor } from './http/types.js';

// Errors.
export { GrantKitError, isGrantKitError, type GrantKitErrorCode } from './errors/error.js';
export { type ErrorFamily } from './errors/formats.js';

// Scopes and guards.
export { ScopeGuard, type GuardMode } from './guard.js';
export type { Grant } from './grants/grant.js';
export { V2_SCOPES, V2_SCOPE_DESCRIPTIONS, DEFAULT_V2_SCOPES, type V2Scope } from './scopes/catalog.js';
export type { KnownScope, ScopeArgument } from './scopes/scope-names.js';
export { V2_IMPLICATIONS } from './scopes/implications.js';
export { ScopeGraph, v2ScopeGraph } from './scopes/graph.js';
export { V2_ENDPOINT_SCOPES, type EndpointRule, type HttpMethod } from './scopes/gating.js';
export type { GrantKitMount, GuardedRoute, GuardedRoutes, ScopeRequirement } from './introspection/guarded-routes.js';
export type { OpenApiOptions } from './openapi/document.js';
export type { OpenApiDocument } from './openapi/types.js';
export type { ScopeReport, RouteScopes, RouteAccess, ConnectorAdvice, ScopeWarning, WarningSubject } from './advisor/report.js';
export type { LeastPrivilege, ScopeCheck } from './scopes/least-privilege.js';
export { IDENTITY_SCOPES, type ScopeVocabulary } from './scopes/vocabulary.js';
export { GOOGLE_PREFIX, V2_TO_GOOGLE, type GoogleScope } from './scopes/provider-google.js';
export { GRAPH_PREFIX, V2_TO_MICROSOFT, type MicrosoftScope } from './scopes/provider-microsoft.js';
export { PROVIDER_SCOPES, PROVIDER_IMPLICATIONS } from './scopes/provider-scopes.js';

// Stores: the interface, its records, the memory store and the per-instance cache.
export type { Store, MaybePromise } from './store/store.js';
export type {
  GrantRecord,
  TokenRecord,
  TokenKind,
  GrantStatus,
  Resolved,
  Consumed,
  GrantFilter,
  TokenFilter,
  Invalidation,
  InvalidationListener,
} from './store/records.js';
export { MemoryStore } from './store/memory.js';
export { isDeliveryQueue, type DeliveryQueue, type DeliveryRecord, type DeliveryClaim, type QueuedDelivery } from './store/deliveries.js';
export { GrantCache, type GrantCacheOptions } from './store/cache.js';
export type { ChannelState } from './store/cached.js';

// Secrets: the keyring that seals provider credentials, and token hashing.
export { Keyring, KeyringError } from './crypto/keyring.js';
export { newSecret, hashSecret, TOKEN_PREFIX } from './crypto/tokens.js';

// Rate limits.
export {
  RateLimits,
  DEFAULT_RATE_LIMITS,
  ipKey,
  type RateLimit,
  type RateLimitName,
  type RateLimitsOptions,
  type LoginAttempt,
} from './limits/rate-limits.js';
export type { RateLimiterSpec, RateLimiterBackend } from './limits/backends.js';

// Native authentication: providers that verify credentials, and provider access for the app's backend.
export { NATIVE_CODE_TTL_MS } from './flows/native.js';
export { type NativeProvider, type VerifyInput, type VerifiedAccount, ProviderAuthError, ProviderUnavailableError } from './providers/provider.js';
export { sandboxProvider, type SandboxProviderOptions } from './providers/sandbox.js';
export { googleProvider, GOOGLE_TOKEN_URL, type GoogleProviderOptions } from './providers/google.js';
export { microsoftProvider, microsoftTokenUrl, type MicrosoftProviderOptions } from './providers/microsoft.js';
export { imapProvider, passwordProvider, passwordProviders, type ImapProviderOptions, type PasswordProviderOptions } from './providers/imap.js';
export { MAIL_PRESETS, type MailPreset, type MailServer, type PasswordProviderName } from './providers/mail-presets.js';
export {
  refreshAccessToken,
  InvalidRefreshTokenError,
  RefreshRefusedError,
  isOAuthNativeProvider,
  type OAuthNativeProvider,
  type RefreshRequest,
  type RefreshedToken,
} from './providers/oauth-refresh.js';
export type { ProviderAccessToken, ProviderServerSettings, MailServerSettings } from './providers/access.js';
export { mxLookup, type ProviderLookup, type Detection } from './providers/detect.js';

// Connectors and their credentials.
export { Connectors } from './connectors/connectors.js';
export { ClientConnectors } from './connectors/client-connectors.js';
export type { ConnectorInput, ConnectorPatch, CredentialInput, CredentialPatch } from './connectors/inputs.js';
export {
  CONNECTOR_PROVIDERS,
  isConnectorStore,
  servesClient,
  type ConnectorProvider,
  type ConnectorRecord,
  type ConnectorStore,
  type CredentialRecord,
  type CredentialType,
  type ProviderEndpoints,
} from './connectors/connector-records.js';
export { DEFAULT_ENDPOINTS } from './connectors/endpoints.js';

// API keys.
export { ApiKeys, MIN_IMPORTED_KEY_LENGTH, type ApiKeyInfo, type CreatedApiKey, type CreateApiKeyOptions } from './apikeys.js';

// Grant events and webhooks.
export {
  GrantEvents,
  GRANT_EVENT_CODES,
  type GrantEvent,
  type GrantEventType,
  type GrantEventObject,
  type GrantEventListener,
} from './events/events.js';
export { verifyWebhookSignature, signWebhookBody, SIGNATURE_HEADER } from './webhooks/signature.js';
export {
  WEBHOOK_RETRY_DELAYS_MS,
  webhookEnvelope,
  type WebhookEndpoint,
  type WebhookAttempt,
} from './webhooks/delivery.js';

// The audit trail and the logger option.
export type {
  AuditEvent,
  AuditEventType,
  AuditSink,
  ApiFamily,
  HashPrefix,
  DecisionEvent,
  TokenIssuedEvent,
  TokenRefreshedEvent,
  TokenRevokedEvent,
  CodeIssuedEvent,
  CodeRedeemedEvent,
  CodeReplayedEvent,
  FamilyRevokedEvent,
  FamilyRevocation,
  SignInFlow,
  SignInStartedEvent,
  SignInSucceededEvent,
  SignInFailedEvent,
  ApiKeyEvent,
  RateLimitEvent,
  StoreHealthEvent,
  GrantLifecycleEvent,
} from './audit/events.js';
export type { Logger } from './audit/logger.js';

// Hosted OAuth.
export { HostedOAuth, HOSTED_CODE_TTL_MS, HOSTED_PROVIDERS, type HostedOAuthOptions } from './oauth/hosted.js';
export { FLOW_TTL_MS } from './oauth/flow-state.js';
export type { IdTokenKeyOptions } from './oauth/id-token.js';
export { type PkceMethod } from './oauth/pkce.js';

// Names of earlier releases, kept as deprecated aliases.
export { GrantkitError, isGrantkitError, type GrantkitErrorCode } from './errors/deprecated.js';
