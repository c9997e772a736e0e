// The command's usage text: the subcommands, the flags (each also an AHDS_ variable), and the exit codes.

import { CLI_INPUTS, flagOf, variableOf } from './args.js'

const inputs = CLI_INPUTS.map(input => `  ${flagOf(input).padEnd(24)} ${variableOf(input)}`).join('\n')

export const HELP = `Usage: ahds-token <command> [flags]

A Microsoft Entra ID token for Azure Health Data Services, outside GitHub Actions: in Azure Pipelines, GitLab CI
or a terminal. The same sign-in methods, explanations and health checks as the GitHub Action.

Commands:
  token                  sign in; print who signed in and until when (never the token, unless asked):
    --output json          the token, expiry, resource and identity as JSON, to a pipe or a file
    --output azure-pipelines
                           Azure Pipelines secret variables (FHIR_TOKEN, ...; issecret=true)
    --env-file PATH        NAME=value lines (AHDS_TOKEN, FHIR_TOKEN, FHIR_URL, ...) in a file of mode 0600
    --show-token           the NAME=value lines on stdout, also on a terminal
  check                  sign in and run the health checks; a table on stdout
  exec -- COMMAND ...    sign in and run COMMAND with the tokens in its environment (AHDS_TOKEN when there is
                         one, FHIR_TOKEN, FHIR_URL, DICOM_TOKEN, DICOM_URL, DEID_TOKEN, DEID_URL)

Flags, each also read from its environment variable (a flag wins); give secrets by variable only:
${inputs}

Sign-in (auth-type auto picks from what is set):
  Azure Pipelines        --service-connection-id with --client-id and --tenant-id (an Azure task's
                         AZURESUBSCRIPTION_ variables stand in for all three), and the step's
                         env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)
  GitLab CI, any issuer  --federated-token-env NAME (the job's id_tokens variable) or --federated-token-file
                         PATH, with --client-id and --tenant-id
  a terminal             with no sign-in flag and no CI variable, the Azure CLI session (az login)

Exit codes: 0 done (check: healthy); 1 sign-in or another failure, explained on stderr; 2 a bad command line
or flag value; 3 check: a service is unhealthy. exec ends with its command's exit code.
`
