/**
 * The workflow's environment matrix, from the stack files:
 * `[{"stack":"dev","awsRegion":"us-east-1","azureLocation":"eastus"}, ...]`
 * on one line, for `fromJSON` in .github/workflows/pull-request.yml.
 */
import { namespaceConfig } from "../stacks/config/resolve";
import { discoverEnvironments, stackFileOf } from "../stacks/environments";
import { readStackFile } from "../stacks/plan/stack-file";

export function environmentsMatrix(): Array<{ stack: string; awsRegion: string; azureLocation: string }> {
    return discoverEnvironments().map((stack) => {
        const raw = namespaceConfig(readStackFile(stackFileOf(stack), undefined).config) as { aws?: { region?: string }; azure?: { location?: string } };
        return { stack, awsRegion: raw.aws?.region ?? "", azureLocation: raw.azure?.location ?? "" };
    });
}

if (require.main === module) process.stdout.write(`${JSON.stringify(environmentsMatrix())}\n`);
