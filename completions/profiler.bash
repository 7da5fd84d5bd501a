# bash completion for profiler(1)                          -*- shell-script -*-
#
# Installed as share/bash-completion/completions/profiler (loaded on demand by
# bash-completion), or sourced directly: it needs nothing from bash-completion
# but uses its _filedir when present.

# Complete file names (or directories with -d) for the current word.
_profiler_files()
{
	if declare -F _filedir >/dev/null 2>&1; then
		if [[ $1 == -d ]]; then
			_filedir -d
		else
			_filedir
		fi
		return
	fi
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	if [[ $1 == -d ]]; then
		COMPREPLY=($(compgen -d -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

_profiler()
{
	local cur prev words cword
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD

	# "--opt=value": '=' is in COMP_WORDBREAKS, so bash splits it into the
	# words "--opt" "=" "value"; complete the value of --opt.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((cword > 1)); then
		prev=${words[cword - 2]}
	fi

	local commands="benchmark compare report memory trace"
	local cmd='' i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		benchmark | compare | report | memory | trace)
			cmd=${words[i]}
			break
			;;
		esac
	done

	COMPREPLY=()
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--help --version -h -V" -- "$cur"))
		elif ((cword == 1)); then
			COMPREPLY=($(compgen -W "$commands help" -- "$cur"))
		fi
		return 0
	fi

	local opts
	case $cmd in
	benchmark)
		case $prev in
		-b | --bootstrap | -o | --output | --event | --trace-out | --layer | --env-file | \
		--extension | --client-context)
			_profiler_files
			return 0
			;;
		--log-dir)
			_profiler_files -d
			return 0
			;;
		-a | --arch)
			COMPREPLY=($(compgen -W "x86_64 arm64" -- "$cur"))
			return 0
			;;
		-m | --memory)
			COMPREPLY=($(compgen -W "128 256 512 1024 2048 3008 4096 10240" -- "$cur"))
			return 0
			;;
		--user)
			COMPREPLY=($(compgen -u -- "$cur"))
			return 0
			;;
		-n | --count | -t | --timeout | --init-timeout | --runtime | --log-limit | --handler | --env)
			return 0
			;;
		--ephemeral-storage)
			COMPREPLY=($(compgen -W "512 1024 2048 4096 10240" -- "$cur"))
			return 0
			;;
		esac
		opts="-b --bootstrap -n --count -m --memory -a --arch -o --output --event
		      --extension --client-context --runtime -t --timeout --init-timeout --log-dir --log-limit --user
		      --run-as-root --no-bpf --require-bpf --strict-limits --cold-cache --warm --freeze --trace-out --breakdown --json -q --quiet -v --verbose -h --help
		      --handler --env --env-file --layer --sandbox --no-sandbox --ephemeral-storage"
		;;
	compare)
		case $prev in
		-i | --input | --baseline)
			_profiler_files
			return 0
			;;
		--target | --max-regression)
			return 0
			;;
		esac
		opts="-i --input --baseline --target --max-regression --json -h --help"
		;;
	report)
		case $prev in
		-i | --input | -o | --output | --svg | --html)
			_profiler_files
			return 0
			;;
		--runtime | --display)
			return 0
			;;
		esac
		opts="-i --input -o --output --svg --html --runtime --display -h --help --json"
		;;
	memory)
		case $prev in
		-b | --binary | --bootstrap)
			_profiler_files
			return 0
			;;
		--target-kb)
			return 0
			;;
		esac
		opts="-b --binary --bootstrap --target-kb --json -h --help"
		;;
	trace)
		case $prev in
		--exe | -o | --output | --trace-out)
			_profiler_files
			return 0
			;;
		--cgroup)
			_profiler_files -d
			return 0
			;;
		--comm | --pid | --api | --count | --duration)
			return 0
			;;
		esac
		opts="--exe --comm --pid --cgroup --api --count --duration -o --output --trace-out --breakdown
		      --json -q --quiet -v --verbose -h --help"
		;;
	esac

	# No command takes positional arguments: offer its options.
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	return 0
} &&
	complete -F _profiler profiler

# ex: filetype=sh
